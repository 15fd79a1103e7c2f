#include "edge/orchestrator.hpp"
#include "core/payload.hpp"
#include "core/daemon.hpp"

#include "core/log.hpp"
#include "core/random.hpp"

#include <cmath>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_edge_orchestrator, v2x_edge, "Orchestrator");

namespace v2x {

namespace sg4 = simgrid::s4u;

double probe_readiness_s(double u, double initial_delay_s, double period_s)
{
  const double first = u * period_s;
  if (first >= initial_delay_s || period_s <= 0)
    return std::max(first, initial_delay_s);
  return first + std::ceil((initial_delay_s - first) / period_s) * period_s;
}

Orchestrator::Orchestrator(OrchestratorDeps deps, sg4::Mailbox* inbox) : deps_(deps), inbox_(inbox) {}

void Orchestrator::operator()()
{
  daemonize_self();
  while (true) {
    std::unique_ptr<OrchestratorRequest> req = inbox_->get_unique<OrchestratorRequest>();
    if (deps_.faults != nullptr && sg4::Engine::get_clock() < deps_.faults->orchestrator_down_until()) {
      // ORCHESTRATOR_DOWN: this request and every later one wait, in order, until it is back.
      const double start = sg4::Engine::get_clock();
      sg4::this_actor::sleep_until(deps_.faults->orchestrator_down_until());
      record_phase(*req, req->op != OrchestratorRequest::Op::Terminate ? "instantiate.orchestrator_down"
                                                                       : "terminate.orchestrator_down",
                   start, 0);
    }
    // One stream per operation, numbered in arrival order: reproducible for a given seed.
    auto op = std::make_shared<OrchestratorRequest>(*req);
    const std::uint64_t number = operations_++;
    sg4::Actor::create("op-" + std::to_string(number), sg4::this_actor::get_host(), [this, op, number] {
      RandomStream rng(deps_.seed, StreamPurpose::Orchestrator, number);
      if (op->op == OrchestratorRequest::Op::Terminate)
        terminate(*op, rng);
      else
        instantiate(*op, rng);
    });
  }
}

void Orchestrator::record_phase(const OrchestratorRequest& req, const char* name, double start, double bytes)
{
  deps_.recorder.phase(PhaseRecord{req.migration, fixed_name(name), req.site, start, sg4::Engine::get_clock(), bytes});
}

void Orchestrator::timed_phase(const OrchestratorRequest& req, const char* name, const Distribution& d,
                               RandomStream& rng)
{
  const double start = sg4::Engine::get_clock();
  sg4::this_actor::sleep_for(std::max(0.0, d.sample(rng)));
  record_phase(req, name, start, 0);
}

bool Orchestrator::gone(InstanceId instance) const
{
  return deps_.faults != nullptr && instance != kNone && deps_.twins.instance(instance).killed;
}

void Orchestrator::instantiate(const OrchestratorRequest& req, RandomStream& rng)
{
  const auto& cfg = deps_.config;
  SiteLoad& load = deps_.ledger.load(req.site);
  // A cloud twin (HYBRID) is no instance of the twin book: its phases are the same, its readiness is the
  // CloudTwins' (the cloud is never down: faults name MECs).
  const bool cloud_twin = req.op == OrchestratorRequest::Op::InstantiateCloudTwin;
  const InstanceId instance = cloud_twin ? kNone : deps_.twins.create(req.station, req.site);
  const auto reply = [&](double bytes) {
    req.reply->put_init(std::make_unique<OrchestratorReply>(OrchestratorReply{instance, bytes}).release(), 0)
        ->detach(delete_payload<OrchestratorReply>);
  };
  if (!cloud_twin && deps_.faults != nullptr && deps_.faults->site_down(req.site)) {
    // Asked for at the instant its MEC went down (the manager admits no downed site): the pod never exists.
    const double now = sg4::Engine::get_clock();
    deps_.twins.kill(instance, now);
    deps_.ledger.release(req.site);
    if (deps_.twins.serving(req.station) == kNone)
      deps_.faults->lose_twin(req.station, now, deps_.faults->site_fault(req.site));
    reply(0);
    return;
  }

  timed_phase(req, "instantiate.request", cfg.request, rng);
  timed_phase(req, "instantiate.scheduling", cfg.scheduling, rng);
  if (gone(instance))
    return reply(0);  // its MEC went down meanwhile (the fault injector killed it)
  double start = sg4::Engine::get_clock();
  load.op_slots->acquire();
  load.ops_in_flight++;
  if (sg4::Engine::get_clock() > start)
    record_phase(req, "instantiate.queue", start, 0);

  start = sg4::Engine::get_clock();
  double bytes = 0;
  {
    // Concurrent deployments on one site wait for the first pull instead of pulling the image again.
    std::unique_lock lock(*load.pull_lock);
    if (!load.cached) {
      bytes = deps_.twin.image_b;
      deps_.network.bulk_transfer(deps_.platform.registry_host(), deps_.platform.site_host(req.site), bytes);
      load.cached = deps_.ledger.image_cache();
    }
  }
  record_phase(req, "instantiate.image_pull", start, bytes);
  if (!gone(instance))
    timed_phase(req, "instantiate.container_start", cfg.container_start, rng);
  if (gone(instance)) {
    // its MEC went down meanwhile: no readiness
  } else if (cfg.readiness_from_probe) {
    const double begin = sg4::Engine::get_clock();
    sg4::this_actor::sleep_for(probe_readiness_s(rng.uniform(), cfg.readiness_initial_delay_s, cfg.readiness_period_s));
    record_phase(req, "instantiate.readiness", begin, 0);
  } else {
    timed_phase(req, "instantiate.readiness", cfg.readiness, rng);
  }
  load.ops_in_flight--;
  load.op_slots->release();
  reply(bytes);
}

void Orchestrator::terminate(const OrchestratorRequest& req, RandomStream& rng)
{
  const auto& cfg = deps_.config;
  SiteLoad& load = deps_.ledger.load(req.site);
  if (gone(req.instance)) {  // went with its MEC: nothing left to delete
    req.reply->put_init(std::make_unique<OrchestratorReply>(OrchestratorReply{req.instance, 0}).release(), 0)
        ->detach(delete_payload<OrchestratorReply>);
    return;
  }
  timed_phase(req, "terminate.request", cfg.terminate_request, rng);
  double start = sg4::Engine::get_clock();
  load.op_slots->acquire();
  load.ops_in_flight++;
  if (sg4::Engine::get_clock() > start)
    record_phase(req, "terminate.queue", start, 0);
  // SIGTERM: the container stops serving when its stop begins. The delete request is then done (OSM runs `helm
  // delete --purge` / `helm uninstall` without --wait, which returns once the release's objects are deleted; sources
  // in scenario.proto, Orchestrator): the operation slot is free while the kubelet waits out the pod's termination
  // (up to the grace period) and cleans up; the pod keeps its resources until then (the Pod object is removed
  // from the API server after its containers stopped).
  deps_.twins.stop(req.instance, sg4::Engine::get_clock());
  load.ops_in_flight--;
  load.op_slots->release();
  timed_phase(req, "terminate.container_stop", cfg.container_stop, rng);
  timed_phase(req, "terminate.cleanup", cfg.cleanup, rng);
  if (!gone(req.instance)) {  // else its MEC went down meanwhile: the injector freed its reservation
    deps_.twins.retire(req.instance, sg4::Engine::get_clock());
    deps_.ledger.release(req.site);
  }
  req.reply->put_init(std::make_unique<OrchestratorReply>(OrchestratorReply{req.instance, 0}).release(), 0)->detach(delete_payload<OrchestratorReply>);
}

} // namespace v2x
