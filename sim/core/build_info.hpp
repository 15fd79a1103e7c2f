#pragma once
// What this build is: its version and the commit it was built from (configure-time `git describe --dirty`).

namespace v2x {

/// PROJECT_VERSION of CMakeLists.txt, e.g. "0.1.0".
const char* build_version();
/// `git describe --always --dirty --abbrev=12` at configure time, e.g. "dde4bc0a1b2c-dirty"; "unknown" when the
/// sources were not a git checkout (or git was missing).
const char* build_commit();

} // namespace v2x
