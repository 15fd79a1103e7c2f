#pragma once
// Translation of the scenario's faults and healing (proto/ only: the caller includes scenario.pb.h).
#include "config/scenario.hpp"

namespace v2x {
namespace pb {
class Scenario;
}

void translate_faults(const pb::Scenario& m, Scenario& s);

} // namespace v2x
