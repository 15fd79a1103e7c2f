#pragma once
#include <string>

namespace v2x {

/// The HDF5 library in use (H5get_libversion), e.g. "1.10.8".
std::string hdf5_version();

} // namespace v2x
