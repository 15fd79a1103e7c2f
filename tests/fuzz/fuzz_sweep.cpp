// libFuzzer harness of the sweep parser: the input is a sweep file (its base, when it names an existing
// scenario by an absolute path, is read too); a sweep of at most 10,000 runs is expanded and sharded.
#include "fuzz_input.hpp"
#include "sweep/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string path = v2x::fuzz::input_file("sweep.textproto", in);
  return v2x::fuzz::guard([&] {
    const v2x::sweep::SweepSpec spec = v2x::sweep::parse_sweep(std::string(in), path);
    double runs = 1;
    for (const auto& a : spec.axes)
      runs *= static_cast<double>(a.values.size());
    if (runs <= 10000) {
      const auto all = v2x::sweep::expand(spec);
      (void)v2x::sweep::select_shard(all, v2x::sweep::parse_shard("1/3"));
    }
  });
}
