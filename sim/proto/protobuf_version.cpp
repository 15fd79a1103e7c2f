#include "proto/protobuf_version.hpp"

#include <google/protobuf/stubs/common.h>

namespace v2x {

std::string protobuf_version()
{
  return google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION);
}

} // namespace v2x
