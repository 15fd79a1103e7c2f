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
  if (!heal_due(s))
    return;
  // Where: the policy's placement (it sees the downed sites); a batch policy is asked in its snapshot instead
  // (decide_instant, trigger RECOVERY), so that here it gets the default rule only when heal() is called for it
  // outside a batch.
  recover(s, deps_.policy.batch() != nullptr ? default_recovery_site(s)
                                             : deps_.policy.place(snapshot(MigrationTrigger::Fault, s), s));
}

SiteId Manager::default_recovery_site(StationId s) const
{
  const StationView& v = deps_.stations.view(s);
  return v.rsu_site != kNone && !deps_.ledger.is_down(v.rsu_site) ? v.rsu_site : deps_.infra.cloud();
}

bool Manager::heal_due(StationId s)
{
  FaultState* faults = deps_.faults;
  if (faults == nullptr || deps_.healing == nullptr || !deps_.healing->recover || !faults->twin_lost(s))
    return false;
  if (s >= deps_.stations.size() || !deps_.stations.view(s).present)
    return false;
  TwinRecord& tr = deps_.operation.twins.record(s);
  if (tr.busy || tr.removal_pending || tr.serving != kNone)
    return false; // an operation runs (on_done calls again), or it serves again already
  const double now = sg4::Engine::get_clock();
  const double due = faults->lost_since(s) + deps_.healing->detection_delay_s;
  if (now < due) {
    // Not detected yet: the health check finds it at `due`.
    ManagerInbox* inbox = deps_.operation.manager;
    sg4::Actor::create("detect-" + std::to_string(s), sg4::this_actor::get_host(), [inbox, s, due] {
      sg4::this_actor::sleep_until(due);
      inbox->post(ManagerEvent{ManagerEvent::Type::Recover, s});
    });
    return false;
  }
  return true;
}

void Manager::recover(StationId s, SiteId target)
{
  FaultState* faults = deps_.faults;
  const double now = sg4::Engine::get_clock();
  TwinRecord& tr = deps_.operation.twins.record(s);
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
