#pragma once
// Daemon actors (orchestrator, manager, its clock, sampler, RSU publishers, dashboards) live as long as the
// simulation has other work and are then killed by the engine.
#include <simgrid/s4u/Actor.hpp>

namespace v2x {

/// Makes the calling actor a daemon. Called by the actor itself, first thing: in SimGrid 3.32 daemonizing an
/// actor from its creator, when it has already run to its end, leaves a dead actor in the engine's daemon list,
/// which then kills the live daemons too early.
inline void daemonize_self()
{
  simgrid::s4u::Actor::self()->daemonize();
}

} // namespace v2x
