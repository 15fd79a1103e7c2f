#include "edge/orchestrator.hpp"
#include "core/payload.hpp"
#include "core/daemon.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "proto/wire_size.hpp"

#include <cmath>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_edge_orchestrator, v2x_edge, "Orchestrator");

namespace v2x {

namespace sg4 = simgrid::s4u;

Orchestrator::Orchestrator(OrchestratorDeps deps, sg4::Mailbox* inbox) : deps_(deps), inbox_(inbox) {}

void Orchestrator::operator()()
{
  daemonize_self();
  while (true) {
    std::unique_ptr<OrchestratorRequest> req = inbox_->get_unique<OrchestratorRequest>();
    // One stream per operation, numbered in arrival order: reproducible for a given seed.
    auto op = std::make_shared<OrchestratorRequest>(*req);
    const std::uint64_t number = operations_++;
    sg4::Actor::create("op-" + std::to_string(number), sg4::this_actor::get_host(), [this, op, number] {
      RandomStream rng(deps_.seed, StreamPurpose::Orchestrator, number);
      if (op->op == OrchestratorRequest::Op::Instantiate)
        instantiate(*op, rng);
      else
        terminate(*op, rng);
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

void Orchestrator::instantiate(const OrchestratorRequest& req, RandomStream& rng)
{
  const auto& cfg = deps_.config;
  SiteLoad& load = deps_.ledger.load(req.site);
  const InstanceId instance = deps_.twins.create(req.station, req.site);

  timed_phase(req, "instantiate.request", cfg.request, rng);
  timed_phase(req, "instantiate.scheduling", cfg.scheduling, rng);
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
      sg4::Comm::sendto(deps_.platform.registry_host(), deps_.platform.site_host(req.site),
                        static_cast<std::uint64_t>(bytes));
      load.cached = deps_.ledger.image_cache();
    }
  }
  record_phase(req, "instantiate.image_pull", start, bytes);
  timed_phase(req, "instantiate.container_start", cfg.container_start, rng);
  timed_phase(req, "instantiate.readiness", cfg.readiness, rng);
  load.ops_in_flight--;
  load.op_slots->release();

  deps_.twins.set_ready(instance);
  req.reply->put_init(std::make_unique<OrchestratorReply>(OrchestratorReply{instance, bytes}).release(), 0)->detach(delete_payload<OrchestratorReply>);
}

void Orchestrator::terminate(const OrchestratorRequest& req, RandomStream& rng)
{
  const auto& cfg = deps_.config;
  SiteLoad& load = deps_.ledger.load(req.site);
  timed_phase(req, "terminate.request", cfg.terminate_request, rng);
  double start = sg4::Engine::get_clock();
  load.op_slots->acquire();
  load.ops_in_flight++;
  if (sg4::Engine::get_clock() > start)
    record_phase(req, "terminate.queue", start, 0);
  // SIGTERM: the container stops serving when its stop begins.
  deps_.twins.stop(req.instance, sg4::Engine::get_clock());
  timed_phase(req, "terminate.container_stop", cfg.container_stop, rng);
  timed_phase(req, "terminate.cleanup", cfg.cleanup, rng);
  load.ops_in_flight--;
  load.op_slots->release();
  deps_.twins.retire(req.instance, sg4::Engine::get_clock());
  deps_.ledger.release(req.site);
  req.reply->put_init(std::make_unique<OrchestratorReply>(OrchestratorReply{req.instance, 0}).release(), 0)->detach(delete_payload<OrchestratorReply>);
}

TwinDashboard::TwinDashboard(InstanceId instance, const TwinBook& twins, const TwinConfig& config,
                             TelemetryPath& telemetry)
    : instance_(instance), generation_(twins.instance(instance).generation), twins_(twins), config_(config)
    , telemetry_(telemetry)
{
}

void TwinDashboard::operator()()
{
  daemonize_self();
  if (config_.dashboard_period_s <= 0)
    return;
  while (true) {
    sg4::this_actor::sleep_for(config_.dashboard_period_s);
    const TwinInstance& in = twins_.instance(instance_);
    if (!in.alive || in.generation != generation_)
      return;
    if (twins_.serving(in.station) != instance_)
      continue;
    const double now = sg4::Engine::get_clock();
    const double age = twins_.age_of_information(in.station, now);  // NaN until its first CAM
    const double last_update = std::isnan(age) ? 0.0 : now - age;
    telemetry_.publish_dashboard(in.station, in.site,
                                 twin_report_wire_size(in.station, now, last_update, in.site, 0, 0));
  }
}

} // namespace v2x
