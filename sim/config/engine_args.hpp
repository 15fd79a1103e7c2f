#pragma once
// `--engine-arg` values, checked before the SimGrid Engine starts.
//
// Why a whitelist and not SimGrid's own configuration API: in 3.32 most configuration keys (the models, the
// context factory) are declared by the Engine's constructor, and a bad value is found later still, when the
// models are built (`network/model:Nope` ends in xbt_die, an abort); the Engine is one per process and cannot
// be made again after a failed try. So v2xsim accepts the keys it knows SimGrid 3.32 takes and that make sense
// for it, with the values each allows, and refuses anything else with exit 2, naming the value and the keys.
#include <string>
#include <vector>

namespace v2x {

/// Throws InputError (field "--engine-arg", the value) unless every argument is `--cfg=KEY:VALUE` with a known
/// KEY and a valid VALUE, or `--log=CATEGORY.SETTING:VALUE` with SETTING thresh/threshold (a priority: trace,
/// debug, verbose, info, warning, error, critical), fmt/format, app/appender or add/additivity.
void validate_engine_args(const std::vector<std::string>& args);

/// The configuration keys validate_engine_args accepts, for messages and documentation.
std::vector<std::string> known_engine_keys();

} // namespace v2x
