#pragma once
// A migration mechanism decides *how* a twin moves, as a sequence of timed phases. It runs inside the
// migration's own actor and acts only through MigrationContext, which the actors layer implements over the
// orchestrator and the simulated network (so mechanisms are testable and never see SimGrid).
#include "core/ids.hpp"

#include <string>
#include <string_view>

namespace v2x {

class MigrationContext {
public:
  virtual ~MigrationContext() = default;
  virtual double now() const = 0;
  virtual SiteId source() const = 0; // where the twin serves when the migration starts
  virtual SiteId target() const = 0;
  /// The instance serving when the migration started (kNone if none).
  virtual InstanceId current() const = 0;
  /// Deploys a new instance on `site` through the orchestrator (request, scheduling, image pull unless cached,
  /// container start, readiness); returns when it is ready, not yet serving. Phases are recorded.
  virtual InstanceId instantiate(SiteId site) = 0;
  /// Makes `instance` the one that serves the twin (subscriptions switch to it; the previous one stops).
  virtual void serve(InstanceId instance) = 0;
  /// Deletes `instance` through the orchestrator (request, container stop, cleanup); if it serves, it stops
  /// serving when its container is stopped. Phases are recorded.
  virtual void terminate(InstanceId instance) = 0;
  /// Moves `bytes` from `from` to `to` as a real flow on the simulated network (it shares links with telemetry
  /// and other transfers); returns when it has arrived; records a phase `name`.
  virtual void transfer(SiteId from, SiteId to, double bytes, std::string_view name) = 0;
  /// The serving instance stops serving (the twin is down until serve(); messages meanwhile are lost, QoS 0).
  virtual void stop_serving() = 0;
  /// `instance` loads `bytes` of state transferred while the twin was stopped: bytes / twin.restore_bps
  /// (a phase `restore`; nothing when twin.restore_bps is 0).
  virtual void restore(InstanceId instance, double bytes) = 0;
  /// While `delay_s` > 0, every message `instance` processes first waits `delay_s` (its state is still being
  /// fetched from elsewhere: post-copy's demand faults); 0 ends it.
  virtual void set_fault_delay(InstanceId instance, double delay_s) = 0;
  /// Time for an instance on `to` to fetch `bytes` from `from` on demand over an idle network: a request
  /// (to -> from latency), then the reply (from -> to latency + bytes / the route's narrowest bandwidth).
  virtual double fetch_time(SiteId from, SiteId to, double bytes) const = 0;
};

class Mechanism {
public:
  virtual ~Mechanism() = default;
  virtual std::string_view name() const = 0;
  /// Whether the new instance serves with the twin's state (moved over the network) rather than without it.
  virtual bool carries_state() const { return false; }
  /// Runs the migration from ctx.source() to ctx.target().
  void execute(MigrationContext& ctx);

private:
  virtual void do_execute(MigrationContext& ctx) = 0;
};

} // namespace v2x
