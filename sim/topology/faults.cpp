#include "topology/faults.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace v2x {

namespace {

constexpr std::array<const char*, 6> kKindNames{"mec_down", "link_down",         "broker_down",
                                                "rsu_down", "orchestrator_down", "mec_degraded"};

/// An exponential variate of mean `mean` (inversion; 1 - U is in (0, 1]).
double exponential(RandomStream& rng, double mean)
{
  return -mean * std::log(1.0 - rng.uniform());
}

double parse_number(const std::string& text, const std::string& arg, const char* what)
{
  double v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  const auto r = std::from_chars(b, e, v);
  if (text.empty() || r.ec != std::errc() || r.ptr != e)
    throw InputError({}, "--fault", arg,
                     std::string("expected KIND:TARGET@AT+FOR[*FACTOR]: ") + what + " is not a number ('" + text +
                         "')");
  return v;
}

} // namespace

const char* fault_kind_name(FaultKind k)
{
  return kKindNames[static_cast<std::size_t>(k)];
}

bool parse_fault_kind(const std::string& text, FaultKind& out)
{
  std::string lower;
  for (char c : text)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < kKindNames.size(); ++i)
    if (lower == kKindNames[i]) {
      out = static_cast<FaultKind>(i);
      return true;
    }
  return false;
}

FaultConfig parse_fault_option(const std::string& arg)
{
  const auto bad = [&](const std::string& why) {
    throw InputError({}, "--fault", arg, "expected KIND:TARGET@AT+FOR[*FACTOR] (e.g. mec_down:mec0@100+60): " + why);
  };
  const std::size_t colon = arg.find(':');
  const std::size_t at = arg.rfind('@');
  if (colon == std::string::npos || at == std::string::npos || at < colon)
    bad("no ':' before '@'");
  const std::size_t plus = arg.find('+', at);
  if (plus == std::string::npos)
    bad("no '+' after '@'");
  const std::size_t star = arg.find('*', plus);
  FaultConfig f;
  if (!parse_fault_kind(arg.substr(0, colon), f.kind))
    bad("unknown kind '" + arg.substr(0, colon) +
        "' (mec_down, link_down, broker_down, rsu_down, orchestrator_down, mec_degraded)");
  f.target = arg.substr(colon + 1, at - colon - 1);
  f.at_s = parse_number(arg.substr(at + 1, plus - at - 1), arg, "AT");
  f.for_s =
      parse_number(arg.substr(plus + 1, star == std::string::npos ? std::string::npos : star - plus - 1), arg, "FOR");
  f.factor = star == std::string::npos ? 0.5 : parse_number(arg.substr(star + 1), arg, "FACTOR");
  return f;
}

std::uint32_t resolve_fault_target(FaultKind kind, const std::string& target, const Infrastructure& infra,
                                   const std::string& field, const std::string& source_file)
{
  const auto fail = [&](const std::string& why) -> std::uint32_t {
    throw InputError(SourceLocation{source_file, 0, 0}, field, target, why);
  };
  switch (kind) {
  case FaultKind::MecDown:
  case FaultKind::MecDegraded: {
    const auto site = infra.find_site(target);
    if (!site)
      return fail("unknown MEC (a " + std::string(fault_kind_name(kind)) + " fault names a MEC id)");
    if (*site == infra.cloud())
      return fail("the cloud is not a MEC (a " + std::string(fault_kind_name(kind)) + " fault names a MEC id)");
    return *site;
  }
  case FaultKind::RsuDown: {
    const auto r = infra.find_rsu(target);
    return r ? *r : fail("unknown RSU (an rsu_down fault names an RSU id)");
  }
  case FaultKind::BrokerDown: {
    const auto b = infra.find_broker(target);
    return b ? *b : fail("unknown broker (a broker_down fault names a broker id)");
  }
  case FaultKind::OrchestratorDown:
    return target.empty() || target == "orchestrator"
               ? 0
               : fail("an orchestrator_down fault's target is \"orchestrator\" (or empty)");
  case FaultKind::LinkDown: {
    const auto& g = infra.graph();
    std::uint32_t k = 0;
    for (auto [e, end] = boost::edges(g); e != end; ++e, ++k) {
      const std::string& a = g[boost::source(*e, g)].name;
      const std::string& b = g[boost::target(*e, g)].name;
      if (g[*e].name == target || target == a + "-" + b || target == b + "-" + a)
        return k;
    }
    return fail("unknown backhaul link (a link_down fault names a link \"A-B\" between two nodes)");
  }
  }
  return fail("unknown fault kind");
}

std::vector<std::pair<double, double>> random_down_intervals(RandomStream& rng, double mtbf_s, double mttr_s,
                                                             double from_s, double until_s)
{
  std::vector<std::pair<double, double>> out;
  double t = from_s;
  while (true) {
    t += exponential(rng, mtbf_s);
    if (!(t < until_s))
      break;
    const double repaired = t + exponential(rng, mttr_s);
    out.emplace_back(t, repaired);
    t = repaired;
  }
  return out;
}

std::vector<FaultEvent> build_fault_schedule(const Scenario& s, const Infrastructure& infra, double horizon_s)
{
  std::vector<FaultEvent> out;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const FaultConfig& f = s.faults[i];
    FaultEvent e;
    e.id = static_cast<std::uint32_t>(out.size());
    e.kind = f.kind;
    e.target = f.kind == FaultKind::OrchestratorDown ? "orchestrator" : f.target;
    e.index = resolve_fault_target(f.kind, f.target, infra, "fault[" + std::to_string(i) + "].target", s.source_file);
    e.start = f.at_s;
    e.end = f.at_s + f.for_s;
    e.factor = f.kind == FaultKind::MecDegraded ? f.factor : 1.0;
    out.push_back(e);
  }
  for (std::size_t i = 0; i < s.random_faults.size(); ++i) {
    const RandomFaultConfig& r = s.random_faults[i];
    const double until = r.end_s > 0 ? r.end_s : horizon_s;
    for (std::size_t j = 0; j < r.targets.size(); ++j) {
      const std::string field = "random_fault[" + std::to_string(i) + "].target[" + std::to_string(j) + "]";
      const std::uint32_t index = resolve_fault_target(r.kind, r.targets[j], infra, field, s.source_file);
      RandomStream rng(s.seed, StreamPurpose::Fault, (static_cast<std::uint64_t>(i) << 20) | j);
      for (const auto& [a, b] : random_down_intervals(rng, r.mtbf_s, r.mttr_s, r.start_s, until)) {
        FaultEvent e;
        e.id = static_cast<std::uint32_t>(out.size());
        e.kind = r.kind;
        e.target = r.kind == FaultKind::OrchestratorDown ? "orchestrator" : r.targets[j];
        e.index = index;
        e.start = a;
        e.end = b;
        e.factor = r.kind == FaultKind::MecDegraded ? r.factor : 1.0;
        e.random = true;
        out.push_back(e);
      }
    }
  }
  return out;
}

// ---- FaultState ----

FaultState::FaultState(std::size_t sites, std::size_t rsus, std::size_t brokers)
    : site_down_(sites, false)
    , site_fault_(sites, kNone)
    , site_speed_(sites, 1.0)
    , rsu_down_(rsus, false)
    , broker_down_(brokers, false)
{
}

void FaultState::lose_twin(StationId s, double t, std::uint32_t fault)
{
  if (twin_lost(s))
    return;
  if (s >= lost_since_.size()) {
    lost_since_.resize(s + 1, std::numeric_limits<double>::quiet_NaN());
    lost_fault_.resize(s + 1, kNone);
  }
  lost_since_[s] = t;
  lost_fault_[s] = fault;
  if (fault >= lost_by_.size()) {
    lost_by_.resize(fault + 1, 0);
    recovered_by_.resize(fault + 1, 0);
  }
  ++lost_by_[fault];
  ++twins_lost_;
}

void FaultState::twin_serving(StationId s, double t)
{
  if (!twin_lost(s))
    return;
  const double d = t - lost_since_[s];
  recoveries_.push_back(d);
  downtime_s_ += d;
  ++recovered_by_[lost_fault_[s]];
  lost_since_[s] = std::numeric_limits<double>::quiet_NaN();
}

void FaultState::twin_gone(StationId s, double t)
{
  if (!twin_lost(s))
    return;
  downtime_s_ += t - lost_since_[s];
  ++unrecovered_;
  lost_since_[s] = std::numeric_limits<double>::quiet_NaN();
}

void FaultState::close(double t)
{
  for (StationId s = 0; s < lost_since_.size(); ++s)
    twin_gone(s, t);
}

} // namespace v2x
