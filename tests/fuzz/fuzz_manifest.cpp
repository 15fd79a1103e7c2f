// libFuzzer harness of the sweep manifest reader and of what the runner reads from a run's log (the printed
// summary, the error line). None of them may throw: a corrupt manifest or log is recovered from the outputs.
#include "fuzz_input.hpp"
#include "sweep/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string path = v2x::fuzz::input_file("manifest.csv", in);
  try {
    const auto rows = v2x::sweep::read_manifest(path, [](const std::string& w) { v2x::fuzz::check_message(w); });
    double v = 0;
    for (const auto& [run, row] : rows)
      for (const auto& [column, value] : row)
        (void)v2x::sweep::parse_manifest_number(value, v);
    (void)v2x::sweep::parse_run_figures(std::string(in));
    const std::string error = v2x::sweep::run_error_text(std::string(in));
    if (error.size() > 1000)
      v2x::fuzz::finding("run_error_text longer than promised");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception: %s\n", e.what());
    v2x::fuzz::finding("the manifest/log readers threw");
  }
  return 0;
}
