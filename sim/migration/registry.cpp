#include "migration/registry.hpp"

#include "config/validate.hpp"
#include "migration/external_policy.hpp"
#include "proto/scenario_defaults.hpp"

#include <algorithm>

namespace v2x {

namespace {

// Defaults are printed from the schema's (proto/scenario_defaults.hpp; a unit test checks that setting the listed
// text changes nothing).
std::string num(double v)
{
  return number_text(v);
}

const Scenario& defaults()
{
  return schema_defaults();
}

ParamInfo dirty_rate()
{
  return {"twin.dirty_rate_bps", "B/s", num(defaults().twin.dirty_rate_bps),
          "rate at which the serving twin modifies its state"};
}
ParamInfo state_size()
{
  return {"twin.state_b", "B", num(defaults().twin.state_b), "twin state size"};
}
ParamInfo restore_rate()
{
  return {"twin.restore_bps", "B/s", num(defaults().twin.restore_bps),
          "rate of loading state transferred while stopped (phase restore); 0 = instantaneous"};
}

} // namespace

const std::vector<PolicyInfo>& policy_registry()
{
  const MigrationConfig& d = defaults().migration;
  static const std::vector<PolicyInfo> registry = {
      {"never",
       "The twin stays on the site where it was first placed (the MEC serving the vehicle's first RSU).",
       {},
       make_never_policy},
      {"cloud", "Every twin runs in the cloud; no migration (the cloud baseline).", {}, make_cloud_policy},
      {"nearest",
       "The twin follows its vehicle to the MEC that serves its current RSU (the original system's location "
       "trigger): decided at each handover, and re-checked at every manager tick for twins that were busy.",
       {},
       make_nearest_policy},
      {"hysteresis",
       "Like nearest, but the twin moves only when the RSU's MEC is closer to the vehicle than the twin's MEC by "
       "more than a margin, continuously for a dwell time (against ping-pong at cell borders; checked at handovers "
       "and ticks).",
       {{"migration.hysteresis.margin_m", "m", num(d.hysteresis.margin_m), "distance advantage the new MEC must have"},
        {"migration.hysteresis.dwell_s", "s", num(d.hysteresis.dwell_s), "how long the advantage must hold"}},
       make_hysteresis_policy},
      {"latency",
       "Moves the twin to the MEC behind the vehicle's RSU when its messages' end-to-end latency (newest delivered) "
       "has exceeded a threshold at every decision for a window.",
       {{"migration.latency.threshold_s", "s", num(d.latency.threshold_s),
         "latency above which the twin moves; 0 = threshold_factor x the uncongested latency to the serving MEC"},
        {"migration.latency.threshold_factor", "x", num(d.latency.threshold_factor),
         "x the uncongested latency from the vehicle's RSU to the MEC behind it (when threshold_s is 0)"},
        {"migration.latency.window_s", "s", num(d.latency.window_s), "how long the latency must stay above"}},
       make_latency_policy},
      {"predictive",
       "Pre-migrates the twin to the MEC behind the RSU nearest to where the vehicle will be after a horizon (dead "
       "reckoning from position, speed and heading), with an optional Gaussian position error.",
       {{"migration.predictive.horizon_s", "s", num(d.predictive.horizon_s), "look-ahead of the extrapolation"},
        {"migration.predictive.position_error_m", "m", num(d.predictive.position_error_m),
         "standard deviation of the error on each predicted coordinate (seeded)"}},
       make_predictive_policy},
      {"load-aware",
       "The nearest MEC with room (CPU, memory, pods, utilisation cap), the least utilised among those within a "
       "slack of the nearest; the cloud when none has room. Never places a twin above capacity.",
       {{"migration.load_aware.max_utilisation", "1", num(d.load_aware.max_utilisation),
         "CPU reservation share a MEC may reach by taking the twin"},
        {"migration.load_aware.slack_m", "m", num(d.load_aware.slack_m),
         "MECs this much farther than the nearest with room are equivalent (least utilised wins)"}},
       make_load_aware_policy},
  };
  return registry;
}

const std::vector<MechanismInfo>& mechanism_registry()
{
  const MigrationConfig& d = defaults().migration;
  static const std::vector<MechanismInfo> registry = {
      {"stateless-restart",
       "Terminate the twin on the source, then instantiate it on the target (the original system's): downtime is "
       "the source's container stop and cleanup plus a full cold start on the target.",
       {},
       make_stateless_restart},
      {"make-before-break",
       "Instantiate on the target while the source serves, switch subscriptions to the target, terminate the "
       "source: no downtime, no state transfer (the new instance starts without the old one's state).",
       {},
       make_make_before_break},
      {"stop-and-copy",
       "Prepare an instance on the target while the source serves, then stop, transfer the state over the network, "
       "restore and serve; terminate the source. Downtime = state transfer + restore.",
       {state_size(), restore_rate()},
       make_stop_and_copy},
      {"pre-copy",
       "Copy the state while the source serves, then what was dirtied during each round (round i ~ M (D/B)^i), "
       "until the rest fits the downtime target at the measured rate or after max rounds; then a short "
       "stop-and-copy of the rest. The model of SimGrid's VM live-migration plugin.",
       {state_size(),
        dirty_rate(),
        restore_rate(),
        {"migration.pre_copy.downtime_target_s", "s", num(d.pre_copy.downtime_target_s),
         "largest expected stop-and-copy time that ends the live rounds"},
        {"migration.pre_copy.max_rounds", "1", num(d.pre_copy.max_rounds),
         "live rounds at most, the first full copy included"}},
       make_pre_copy},
      {"post-copy",
       "Stop, send the execution context, serve from the target at once, then move the rest of the state in the "
       "background; until it has arrived each processed message waits for a demand fetch from the source "
       "(messages are delayed, not lost). Downtime = context transfer + restore.",
       {state_size(),
        restore_rate(),
        {"migration.post_copy.switch_b", "B", num(d.post_copy.switch_b),
         "state sent while stopped (at most twin.state_b)"},
        {"migration.post_copy.fault_b", "B", num(d.post_copy.fault_b), "state one message's fault fetches"}},
       make_post_copy},
  };
  return registry;
}

std::unique_ptr<Policy> make_external_policy(const Scenario& s)
{
  return std::make_unique<ExternalPolicy>(s.migration.external, s.source_file);
}

const PolicyInfo& external_policy_info()
{
  const MigrationConfig& d = defaults().migration;
  static const PolicyInfo info{
      "external",
      "Decisions by another process over the policy protocol (sim/proto/policy.proto, ZeroMQ), one request per "
      "simulated instant: `v2xsim run --policy-command CMD` or `--policy-endpoint ADDR`; see policies/.",
      {{"migration.external.command", "-", "", "shell command that starts the policy (gets V2X_POLICY_ENDPOINT)"},
       {"migration.external.endpoint", "-", "", "ipc://PATH or tcp://127.0.0.1:PORT of a running policy"},
       {"migration.external.timeout_s", "s", num(d.external.timeout_s), "longest wall-clock wait for one answer"}},
      make_external_policy};
  return info;
}

const PolicyInfo* find_policy(const std::string& name)
{
  if (name == external_policy_info().name)
    return &external_policy_info();
  const auto& r = policy_registry();
  auto it = std::find_if(r.begin(), r.end(), [&](const PolicyInfo& p) { return p.name == name; });
  return it == r.end() ? nullptr : &*it;
}

const MechanismInfo* find_mechanism(const std::string& name)
{
  const auto& r = mechanism_registry();
  auto it = std::find_if(r.begin(), r.end(), [&](const MechanismInfo& m) { return m.name == name; });
  return it == r.end() ? nullptr : &*it;
}

std::vector<std::string> policy_names()
{
  std::vector<std::string> names;
  for (const auto& p : policy_registry())
    names.push_back(p.name);
  return names;
}

std::vector<std::string> mechanism_names()
{
  std::vector<std::string> names;
  for (const auto& m : mechanism_registry())
    names.push_back(m.name);
  return names;
}

} // namespace v2x
