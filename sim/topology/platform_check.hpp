#pragma once
// A SimGrid platform XML checked before SimGrid parses it (no SimGrid here: the fuzzer runs it alone).
#include <string>

namespace v2x {

/// Checks the numbers SimGrid would take on trust: host/cluster/peer core counts (1..1048576), speeds (> 0, each
/// pstate), link/backbone/cluster bandwidths (> 0) and latencies (in (0, 1e3] s; 0 allowed on WIFI links), and
/// the v2x.radius property ((0, 1e6] m). A core count of 0 or -3, a zero speed or a negative bandwidth would end
/// in SimGrid's CRITICAL aborts ("must have at least one core", "The Impossible Did Happen") or in a run that
/// delivers nothing. Throws InputError naming the file, line, element and attribute, and the value; XML that is
/// not well formed is an InputError too (file, line, column).
void check_platform_xml(const std::string& path);

} // namespace v2x
