#pragma once
// The schema's defaults (sim/proto/scenario.proto, the only place they are written) as plain structs, for code
// that needs a default without a scenario file: config/scenario.hpp's structs are value-initialised (zeros).
#include "config/scenario.hpp"

namespace v2x {

/// A scenario that sets no field, translated as a loaded one is (before the loader's derived defaults: no
/// brokers, links or rate steps are added; no path is resolved).
const Scenario& schema_defaults();
/// An element of a repeated message that sets none of its fields (infrastructure.rsu, .mec, .broker, .link).
const RsuConfig& schema_rsu();
const MecConfig& schema_mec();
const BrokerConfig& schema_broker();
const LinkConfig& schema_link();

} // namespace v2x
