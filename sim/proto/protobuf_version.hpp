#pragma once
#include <string>

namespace v2x {

/// The Protobuf version v2xsim was built against, e.g. "3.21.12".
std::string protobuf_version();

} // namespace v2x
