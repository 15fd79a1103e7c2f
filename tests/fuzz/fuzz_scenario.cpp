// libFuzzer harness of the scenario loader with --set overrides: the input is a scenario text, then optionally
// "\0" and one --set argument per line. Parse, override, translate and validate (the whole of load_scenario).
#include "config/loader.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = in.find('\0');
  const std::string path = v2x::fuzz::input_file("scenario.textproto", in.substr(0, nul));
  return v2x::fuzz::guard([&] {
    std::vector<v2x::Override> overrides;
    if (nul != std::string_view::npos)
      for (const std::string& s : v2x::fuzz::lines(in.substr(nul + 1)))
        overrides.push_back(v2x::parse_override(s));
    v2x::load_scenario(path, overrides, v2x::KnownNames{{"never", "nearest"}, {"stateless-restart"}});
  });
}
