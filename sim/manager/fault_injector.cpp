#include "manager/fault_injector.hpp"

#include "core/daemon.hpp"
#include "core/log.hpp"
#include "core/payload.hpp"
#include "manager/events.hpp"

#include <algorithm>
#include <tuple>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_manager_faults, v2x_manager, "Fault injector");

namespace v2x {

namespace sg4 = simgrid::s4u;

FaultInjector::FaultInjector(FaultInjectorDeps deps)
    : deps_(std::move(deps))
{
}

void FaultInjector::operator()()
{
  daemonize_self();
  // The timeline: every start and end, in time order; at one instant ends first (a target back-to-back), then
  // starts, each in schedule order.
  struct Step {
    double time;
    int start; // 0: end, 1: start
    std::uint32_t fault;
  };
  std::vector<Step> steps;
  for (const FaultEvent& f : deps_.schedule) {
    steps.push_back(Step{f.start, 1, f.id});
    steps.push_back(Step{f.end, 0, f.id});
  }
  std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) {
    return std::tie(a.time, a.start, a.fault) < std::tie(b.time, b.start, b.fault);
  });
  for (const Step& step : steps) {
    sg4::this_actor::sleep_until(step.time);
    deps_.plane.sync(); // the plane's events before now see the world as it was
    const FaultEvent& f = deps_.schedule[step.fault];
    if (step.start == 1)
      begin(f);
    else
      finish(f);
  }
}

sg4::Link* FaultInjector::link_of(const FaultEvent& f) const
{
  const auto& g = deps_.infra.graph();
  auto [e, end] = boost::edges(g);
  std::advance(e, f.index);
  return sg4::Link::by_name(g[*e].name);
}

void FaultInjector::kill_site(const FaultEvent& f)
{
  const double now = sg4::Engine::get_clock();
  const SiteId site = f.index;
  std::vector<StationId> left;
  for (InstanceId i = 0; i < deps_.twins.instance_count(); ++i) {
    const TwinInstance& in = deps_.twins.instance(i);
    if (!in.alive || in.site != site)
      continue;
    const StationId station = in.station;
    const bool was_serving = deps_.twins.serving(station) == i;
    if (deps_.twins.kill(i, now)) {
      deps_.ledger.release(site); // the pod's reservation goes with the cluster
      if (was_serving && deps_.cloud != nullptr)
        deps_.cloud->edge_lost(station);
      if (deps_.twins.serving(station) == kNone && std::find(left.begin(), left.end(), station) == left.end())
        left.push_back(station);
    }
  }
  for (StationId s : left) {
    if (deps_.state.twin_lost(s))
      continue;
    deps_.state.lose_twin(s, now, f.id);
    // The manager's health check finds it after the detection delay.
    const double due = now + deps_.healing.detection_delay_s;
    sg4::Mailbox* manager = deps_.manager;
    sg4::Actor::create("detect-" + std::to_string(s), sg4::this_actor::get_host(), [manager, s, due] {
      sg4::this_actor::sleep_until(due);
      manager->put_init(std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Recover, s}).release(), 0)
          ->detach(delete_payload<ManagerEvent>);
    });
  }
  XBT_VERB("t=%.6f %s down: %zu twins lost", now, f.target.c_str(), left.size());
}

void FaultInjector::begin(const FaultEvent& f)
{
  FaultState& st = deps_.state;
  st.begin();
  XBT_VERB("t=%.6f fault %u begins: %s %s until %.6f", sg4::Engine::get_clock(), f.id, fault_kind_name(f.kind),
           f.target.c_str(), f.end);
  switch (f.kind) {
  case FaultKind::MecDown:
    st.set_site_down(f.index, true, f.id);
    deps_.ledger.set_down(f.index, true, sg4::Engine::get_clock());
    if (!deps_.healing.keep_image_cache)
      deps_.ledger.load(f.index).cached = false; // it comes back empty: the image is pulled again
    for (BrokerId b = 0; b < deps_.infra.brokers().size(); ++b)
      if (deps_.infra.brokers()[b].site == f.index) {
        st.set_broker_down(b, true);
        st.set_reconnect_at(b, sg4::Engine::get_clock() + deps_.healing.reconnect_s);
        deps_.plane.broker_failed(b);
      }
    kill_site(f);
    break;
  case FaultKind::MecDegraded:
    st.set_site_speed(f.index, f.factor);
    break;
  case FaultKind::BrokerDown:
    st.set_broker_down(f.index, true);
    st.set_reconnect_at(f.index, sg4::Engine::get_clock() + deps_.healing.reconnect_s);
    deps_.plane.broker_failed(f.index);
    break;
  case FaultKind::RsuDown:
    st.set_rsu_down(f.index, true);
    deps_.plane.rsu_failed(f.index);
    break;
  case FaultKind::OrchestratorDown:
    st.set_orchestrator_down(true);
    st.set_orchestrator_down_until(f.end);
    break;
  case FaultKind::LinkDown: {
    sg4::Link* link = link_of(f);
    deps_.network.set_link_up(link, false);
    link->turn_off(); // SimGrid fails the bulk flows on it (NetworkView::bulk_transfer starts them again)
    break;
  }
  }
}

void FaultInjector::finish(const FaultEvent& f)
{
  FaultState& st = deps_.state;
  XBT_VERB("t=%.6f fault %u ends: %s %s", sg4::Engine::get_clock(), f.id, fault_kind_name(f.kind), f.target.c_str());
  switch (f.kind) {
  case FaultKind::MecDown:
    st.set_site_down(f.index, false);
    deps_.ledger.set_down(f.index, false, sg4::Engine::get_clock());
    for (BrokerId b = 0; b < deps_.infra.brokers().size(); ++b)
      if (deps_.infra.brokers()[b].site == f.index)
        st.set_broker_down(b, false);
    break;
  case FaultKind::MecDegraded:
    st.set_site_speed(f.index, 1.0);
    break;
  case FaultKind::BrokerDown:
    st.set_broker_down(f.index, false);
    break;
  case FaultKind::RsuDown:
    st.set_rsu_down(f.index, false);
    break;
  case FaultKind::OrchestratorDown:
    st.set_orchestrator_down(false);
    break;
  case FaultKind::LinkDown: {
    sg4::Link* link = link_of(f);
    link->turn_on();
    deps_.network.set_link_up(link, true);
    break;
  }
  }
  st.end();
}

} // namespace v2x
