// Validation of the scenario's faults, random faults and healing (scenario.proto: Fault, RandomFaults, Healing):
// kinds that fit their targets, targets that exist, times that are numbers, no two faults on one target at once.
#include "config/validate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace v2x {

namespace {

const char* kind_text(FaultKind k)
{
  switch (k) {
  case FaultKind::MecDown:
    return "MEC_DOWN";
  case FaultKind::LinkDown:
    return "LINK_DOWN";
  case FaultKind::BrokerDown:
    return "BROKER_DOWN";
  case FaultKind::RsuDown:
    return "RSU_DOWN";
  case FaultKind::OrchestratorDown:
    return "ORCHESTRATOR_DOWN";
  case FaultKind::MecDegraded:
    return "MEC_DEGRADED";
  }
  return "?";
}

class FaultChecker {
public:
  FaultChecker(const Scenario& s, const ValidationContext& context)
      : s_(s)
      , context_(context)
  {
    const InfrastructureConfig& inf = s.infrastructure;
    xml_ = !inf.platform.empty();
    for (const MecConfig& m : inf.mecs)
      mecs_.insert(m.id);
    for (const RsuConfig& r : inf.rsus)
      rsus_.insert(r.id);
    for (const BrokerConfig& b : inf.brokers)
      brokers_.insert(b.id);
    for (std::size_t i = 0; i < inf.links.size(); ++i) {
      const LinkConfig& l = inf.links[i];
      links_.emplace(l.from + "-" + l.to, i);
      links_.emplace(l.to + "-" + l.from, i);
    }
    // The image registry's link to each site (topology/infrastructure.cpp: "registry-<site>"), numbered after them.
    std::size_t k = inf.links.size();
    for (const MecConfig& m : inf.mecs) {
      links_.emplace("registry-" + m.id, k);
      links_.emplace(m.id + "-registry", k++);
    }
    if (inf.mecs.empty()) { // the registry then links to the cloud
      links_.emplace("registry-cloud", k);
      links_.emplace("cloud-registry", k);
    }
  }

  [[noreturn]] void fail(const std::string& path, const std::string& value, const std::string& what) const
  {
    throw InputError(context_.locate ? context_.locate(path) : SourceLocation{}, path, value, what);
  }

  /// The target's identity ("mec:<id>", "link:<n>", ...): faults on one identity may not overlap.
  std::string target(FaultKind kind, const std::string& name, const std::string& path) const
  {
    switch (kind) {
    case FaultKind::MecDown:
    case FaultKind::MecDegraded:
      if (name == "cloud")
        fail(path, name, std::string("the cloud is not a MEC (") + kind_text(kind) + " names a MEC id)");
      if (!xml_ && mecs_.count(name) == 0)
        fail(path, name,
             std::string("unknown MEC (") + kind_text(kind) + " names a MEC id; MECs: " + list(mecs_) + ")");
      return "mec:" + name;
    case FaultKind::RsuDown:
      if (!xml_ && rsus_.count(name) == 0)
        fail(path, name, "unknown RSU (RSU_DOWN names an RSU id; RSUs: " + list(rsus_) + ")");
      return "rsu:" + name;
    case FaultKind::BrokerDown:
      if (!xml_ && brokers_.count(name) == 0)
        fail(path, name, "unknown broker (BROKER_DOWN names a broker id; brokers: " + list(brokers_) + ")");
      return "broker:" + name;
    case FaultKind::OrchestratorDown:
      if (!name.empty() && name != "orchestrator")
        fail(path, name, "ORCHESTRATOR_DOWN's target is \"orchestrator\" (or empty)");
      return "orchestrator";
    case FaultKind::LinkDown: {
      if (xml_)
        return "link:" + name; // checked against the platform's links when the run builds it
      const auto it = links_.find(name);
      if (it == links_.end())
        fail(path, name,
             "unknown backhaul link (LINK_DOWN names a link \"A-B\" between two nodes the scenario "
             "links, either order, or \"registry-<site>\")");
      return "link:" + std::to_string(it->second);
    }
    }
    fail(path, name, "unknown fault kind");
  }

  void time(const std::string& path, double v) const
  {
    if (!std::isfinite(v) || v < 0 || v > bounds::kMaxDurationS)
      fail(path, number_text(v), "must be a finite number in [0, 1e9] s");
  }
  void positive_time(const std::string& path, double v) const
  {
    if (!std::isfinite(v) || v <= 0 || v > bounds::kMaxDurationS)
      fail(path, number_text(v), "must be a finite number in (0, 1e9] s");
  }
  void factor(const std::string& path, double v) const
  {
    if (!std::isfinite(v) || v <= 0 || v > 1)
      fail(path, number_text(v), "must be in (0, 1] (the share of the MEC's CPU speed left)");
  }

  void check() const
  {
    struct Interval {
      double start, end;
      std::size_t index;
    };
    std::map<std::string, std::vector<Interval>> by_target;
    for (std::size_t i = 0; i < s_.faults.size(); ++i) {
      const FaultConfig& f = s_.faults[i];
      const std::string p = "fault[" + std::to_string(i) + "]";
      const std::string id = target(f.kind, f.target, p + ".target");
      time(p + ".at_s", f.at_s);
      if (s_.duration_s > 0 && f.at_s >= s_.duration_s)
        fail(p + ".at_s", number_text(f.at_s),
             "the fault would start after the run ends (duration_s " + number_text(s_.duration_s) + " s)");
      positive_time(p + ".for_s", f.for_s);
      if (f.kind == FaultKind::MecDegraded)
        factor(p + ".factor", f.factor);
      by_target[id].push_back(Interval{f.at_s, f.at_s + f.for_s, i});
    }
    for (auto& [id, list] : by_target) {
      std::stable_sort(list.begin(), list.end(),
                       [](const Interval& a, const Interval& b) { return a.start < b.start; });
      for (std::size_t k = 1; k < list.size(); ++k)
        if (list[k].start < list[k - 1].end) {
          const std::size_t later = std::max(list[k].index, list[k - 1].index);
          const std::size_t earlier = std::min(list[k].index, list[k - 1].index);
          const FaultConfig& e = s_.faults[earlier];
          fail("fault[" + std::to_string(later) + "].at_s", number_text(s_.faults[later].at_s),
               "overlaps fault[" + std::to_string(earlier) + "] on the same target '" + e.target + "' (" +
                   number_text(e.at_s) + " s to " + number_text(e.at_s + e.for_s) +
                   " s): faults on one target may not overlap");
        }
    }
    std::set<std::string> random_targets;
    for (std::size_t i = 0; i < s_.random_faults.size(); ++i) {
      const RandomFaultConfig& r = s_.random_faults[i];
      const std::string p = "random_fault[" + std::to_string(i) + "]";
      if (r.targets.empty())
        fail(p + ".target", "", "at least one target is required");
      positive_time(p + ".mtbf_s", r.mtbf_s);
      positive_time(p + ".mttr_s", r.mttr_s);
      time(p + ".start_s", r.start_s);
      time(p + ".end_s", r.end_s);
      if (r.kind == FaultKind::MecDegraded)
        factor(p + ".factor", r.factor);
      if (r.end_s <= 0 && s_.duration_s <= 0)
        fail(p + ".end_s", number_text(r.end_s), "random faults need an end: end_s > 0 or the scenario's duration_s");
      const double end = r.end_s > 0 ? r.end_s : s_.duration_s;
      if (end <= r.start_s)
        fail(p + ".end_s", number_text(r.end_s),
             "must be after start_s (" + number_text(r.start_s) + " s)" +
                 (r.end_s > 0 ? "" : ": 0 = duration_s, " + number_text(s_.duration_s) + " s"));
      for (std::size_t j = 0; j < r.targets.size(); ++j) {
        const std::string tp = p + ".target[" + std::to_string(j) + "]";
        const std::string id = target(r.kind, r.targets[j], tp);
        if (by_target.count(id) != 0)
          fail(tp, r.targets[j], "this target also has scheduled faults (fault { ... }): give it one or the other");
        if (!random_targets.insert(id).second)
          fail(tp, r.targets[j], "this target is already in a random_fault entry");
      }
    }
    const HealingConfig& h = s_.healing;
    time("healing.detection_delay_s", h.detection_delay_s);
    time("healing.reconnect_s", h.reconnect_s);
    if (!h.broker_fallback.empty() && !xml_ && brokers_.count(h.broker_fallback) == 0)
      fail("healing.broker_fallback", h.broker_fallback, "unknown broker; brokers: " + list(brokers_));
  }

private:
  static std::string list(const std::set<std::string>& names)
  {
    std::string out;
    for (const auto& n : names)
      out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "(none)" : out;
  }

  const Scenario& s_;
  const ValidationContext& context_;
  bool xml_ = false;
  std::set<std::string> mecs_, rsus_, brokers_;
  std::map<std::string, std::size_t> links_;
};

} // namespace

void validate_faults(const Scenario& s, const ValidationContext& context)
{
  FaultChecker(s, context).check();
}

} // namespace v2x
