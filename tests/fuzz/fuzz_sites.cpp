// libFuzzer harness of the RSU sites CSV reader (--rsu-sites): id,x,y or junction_id,x,y,lon,lat.
#include "fuzz_input.hpp"
#include "mobility/rsu_sites.hpp"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string path =
      v2x::fuzz::input_file("sites.csv", std::string_view(reinterpret_cast<const char*>(data), size));
  return v2x::fuzz::guard([&] {
    for (const v2x::RsuSite& s : v2x::read_rsu_sites(path))
      if (s.id.empty() || !std::isfinite(s.x_m) || !std::isfinite(s.y_m))
        v2x::fuzz::finding("a site without id or with a non-finite position");
  });
}
