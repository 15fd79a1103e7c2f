#pragma once
// Name -> factory registries of policies and mechanisms, with a description of each and of its parameters
// (for `v2xsim policies` / `v2xsim mechanisms`). Adding a policy = one file + one entry in registry.cpp.
#include "config/scenario.hpp"
#include "migration/mechanism.hpp"
#include "migration/policy.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace v2x {

struct ParamInfo {
  std::string name; // scenario field path
  std::string unit;
  std::string default_value;
  std::string doc;
};

struct PolicyInfo {
  std::string name;
  std::string doc;
  std::vector<ParamInfo> params;
  std::function<std::unique_ptr<Policy>(const Scenario&)> make;
};

struct MechanismInfo {
  std::string name;
  std::string doc;
  std::vector<ParamInfo> params;
  std::function<std::unique_ptr<Mechanism>(const Scenario&)> make;
};

/// The built-in policies (`v2xsim policies`, the sweeps that compare them).
const std::vector<PolicyInfo>& policy_registry();
/// `external`: not a built-in, a connector to a policy in another process (migration/external_policy.hpp).
const PolicyInfo& external_policy_info();
const std::vector<MechanismInfo>& mechanism_registry();
/// nullptr when unknown (finds `external` too).
const PolicyInfo* find_policy(const std::string& name);
const MechanismInfo* find_mechanism(const std::string& name);
std::vector<std::string> policy_names();
std::vector<std::string> mechanism_names();

// Factories (one per file under policies/ and mechanisms/).
std::unique_ptr<Policy> make_never_policy(const Scenario& s);
std::unique_ptr<Policy> make_cloud_policy(const Scenario& s);
std::unique_ptr<Policy> make_nearest_policy(const Scenario& s);
std::unique_ptr<Policy> make_hysteresis_policy(const Scenario& s);
std::unique_ptr<Policy> make_latency_policy(const Scenario& s);
std::unique_ptr<Policy> make_predictive_policy(const Scenario& s);
std::unique_ptr<Policy> make_load_aware_policy(const Scenario& s);
std::unique_ptr<Policy> make_external_policy(const Scenario& s);  // unopened: BatchDecider::open() connects
std::unique_ptr<Mechanism> make_stateless_restart(const Scenario& s);
std::unique_ptr<Mechanism> make_make_before_break(const Scenario& s);
std::unique_ptr<Mechanism> make_stop_and_copy(const Scenario& s);
std::unique_ptr<Mechanism> make_pre_copy(const Scenario& s);
std::unique_ptr<Mechanism> make_post_copy(const Scenario& s);

} // namespace v2x
