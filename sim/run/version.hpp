#pragma once
#include <string>

namespace v2x {

/// One line naming this build and what it runs on, for `--version` and the HDF5 root attribute
/// simulator_version: "0.1.0 (commit <git describe>[-dirty]; SimGrid 3.32.0, Protobuf 3.21.12, HDF5 1.10.8)".
std::string version_text();

} // namespace v2x
