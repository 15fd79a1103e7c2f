#pragma once
// A migration mechanism decides *how* a twin moves, as a sequence of timed phases. It runs inside the
// migration's own actor and acts only through MigrationContext, which the actors layer implements over the
// orchestrator and the simulated network (so mechanisms are testable and never see SimGrid).
#include "core/ids.hpp"

#include <string>
#include <string_view>

namespace v2x {

using InstanceId = std::uint32_t;

class MigrationContext {
public:
  virtual ~MigrationContext() = default;
  virtual double now() const = 0;
  virtual SiteId source() const = 0;  // where the twin serves when the migration starts
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
  /// Moves `bytes` from `from` to `to` as a real flow on the simulated network; records a phase `name`.
  virtual void transfer(SiteId from, SiteId to, double bytes, std::string_view name) = 0;
};

class Mechanism {
public:
  virtual ~Mechanism() = default;
  virtual std::string_view name() const = 0;
  /// Runs the migration from ctx.source() to ctx.target().
  void execute(MigrationContext& ctx);

private:
  virtual void do_execute(MigrationContext& ctx) = 0;
};

} // namespace v2x
