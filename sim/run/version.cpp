#include "run/version.hpp"

#include "core/build_info.hpp"
#include "metrics/hdf5_version.hpp"
#include "proto/protobuf_version.hpp"

#include <simgrid/config.h> // XBT_PUBLIC, SG_BEGIN_DECL: version.h does not include it
#include <simgrid/version.h>
#include <xbt/base.h>

namespace v2x {

std::string version_text()
{
  int major = 0, minor = 0, patch = 0;
  sg_version_get(&major, &minor, &patch); // the library loaded, not the headers
  return std::string(build_version()) + " (commit " + build_commit() + "; SimGrid " + std::to_string(major) + "." +
         std::to_string(minor) + "." + std::to_string(patch) + ", Protobuf " + protobuf_version() + ", HDF5 " +
         hdf5_version() + ")";
}

} // namespace v2x
