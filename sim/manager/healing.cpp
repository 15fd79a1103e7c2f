// Self-healing (issue 12): the manager's health check finds a twin whose instance a fault took, after the
// detection delay, and re-places it through the policy with reason `recovery`. The state went with the instance,
// so the new one starts cold (instantiate, serve) whatever the mechanism; the record names the mechanism in use.
#include "core/log.hpp"
#include "core/payload.hpp"
#include "manager/manager.hpp"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_manager_healing, v2x_manager, "Manager: self-healing after faults");

namespace v2x {

namespace sg4 = simgrid::s4u;

void Manager::heal(StationId s)
{
  FaultState* faults = deps_.faults;
  if (faults == nullptr || deps_.healing == nullptr || !deps_.healing->recover || !faults->twin_lost(s))
    return;
  if (s >= deps_.stations.size() || !deps_.stations.view(s).present)
    return;
  TwinRecord& tr = deps_.operation.twins.record(s);
  if (tr.busy || tr.removal_pending || tr.serving != kNone)
    return; // an operation runs (on_done calls again), or it serves again already
  const double now = sg4::Engine::get_clock();
  const double due = faults->lost_since(s) + deps_.healing->detection_delay_s;
  if (now < due) {
    // Not detected yet: the health check finds it at `due`.
    sg4::Mailbox* inbox = deps_.operation.manager;
    sg4::Actor::create("detect-" + std::to_string(s), sg4::this_actor::get_host(), [inbox, s, due] {
      sg4::this_actor::sleep_until(due);
      inbox->put_init(std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Recover, s}).release(), 0)
          ->detach(delete_payload<ManagerEvent>);
    });
    return;
  }
  // Where: the policy's placement (it sees the downed sites); a batch policy is not asked (the default rule: the
  // MEC behind the station's RSU when it is up, else the cloud).
  const StationView& v = deps_.stations.view(s);
  SiteId target;
  if (deps_.policy.batch() != nullptr)
    target = v.rsu_site != kNone && !deps_.ledger.is_down(v.rsu_site) ? v.rsu_site : deps_.infra.cloud();
  else
    target = deps_.policy.place(snapshot(MigrationTrigger::Fault, s), s);
  const SiteId lost_site = tr.deployed != kNone ? deps_.operation.twins.instance(tr.deployed).site : kNone;
  MigrationRecord rec = new_record(s, lost_site, target, MigrationReason::Recovery, MigrationTrigger::Fault);
  std::string note = "cold start: state lost";
  if (target >= deps_.infra.sites().size() || !deps_.ledger.can_host(target)) {
    const SiteId cloud = deps_.infra.cloud();
    if (target < deps_.infra.sites().size())
      note =
          (deps_.ledger.is_down(target) ? "refused (down): " : "refused (full): ") + deps_.infra.sites()[target].name;
    else
      note = "policy chose no site";
    if (target == cloud || !deps_.ledger.can_host(cloud)) {
      reject(rec, note + "; no room in the cloud");
      return;
    }
    target = rec.to_site = cloud;
  }
  rec.note = fixed_name(note);
  XBT_VERB("t=%.6f recover station %u on %s (lost at %.6f)", now, s, deps_.infra.sites()[target].name.c_str(),
           faults->lost_since(s));
  deps_.ledger.reserve(target);
  start(rec, kNone, false);
}

} // namespace v2x
