// libFuzzer harness of the platform XML pre-scan (topology/platform_check.hpp), what stands between a user's
// XML and SimGrid's parser (SimGrid's own loader needs an Engine, one per process: not fuzzable in a loop).
#include "fuzz_input.hpp"
#include "topology/platform_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string path =
      v2x::fuzz::input_file("platform.xml", std::string_view(reinterpret_cast<const char*>(data), size));
  return v2x::fuzz::guard([&] { v2x::check_platform_xml(path); });
}
