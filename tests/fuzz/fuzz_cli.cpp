// libFuzzer harness of the command-line values v2xsim checks itself (CLI11 parses the rest): one argument per
// line; the first line picks --engine-arg (SimGrid options), --set or --shard.
#include "config/engine_args.hpp"
#include "config/loader.hpp"
#include "fuzz_input.hpp"
#include "sweep/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::vector<std::string> args = v2x::fuzz::lines(std::string_view(reinterpret_cast<const char*>(data), size));
  return v2x::fuzz::guard([&] {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "set") {
      for (const auto& a : rest)
        (void)v2x::parse_override(a);
    } else if (args[0] == "shard") {
      for (const auto& a : rest) {
        const v2x::sweep::Shard s = v2x::sweep::parse_shard(a);
        if (s.count == 0 || s.index >= s.count)
          v2x::fuzz::finding("parse_shard accepted an impossible shard");
      }
    } else {
      v2x::validate_engine_args(rest);
    }
  });
}
