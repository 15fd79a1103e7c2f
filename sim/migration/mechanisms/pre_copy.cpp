// `pre-copy` (Clark et al., "Live migration of virtual machines", NSDI 2005; the model of SimGrid's VM
// live-migration plugin): prepare an instance on the target, then copy the state while the source serves.
// Round 0 sends the whole state M; each later round sends what the twin dirtied during the previous one,
// D x (its duration), at most M. With bandwidth B and no latency, round i sends M (D/B)^i. Rounds stop when
// what is left would take at most the downtime target at the rate measured over the last round (bytes /
// duration, as the plugin does), or after max_rounds rounds; then the source stops, the rest is copied,
// restored and the target serves. Downtime = the last copy + its restore. (The target applies the pages of
// the live rounds while the source still serves: that work is overlapped and not modelled.)
#include "migration/registry.hpp"

#include <algorithm>
#include <string>

namespace v2x {
namespace {

class PreCopy final : public Mechanism {
public:
  PreCopy(double state_b, double dirty_rate_bps, const PreCopyConfig& config)
      : state_b_(state_b)
      , dirty_rate_bps_(dirty_rate_bps)
      , config_(config)
  {
  }
  std::string_view name() const override { return "pre-copy"; }
  bool carries_state() const override { return true; }

private:
  void do_execute(MigrationContext& ctx) override
  {
    const InstanceId old = ctx.current();
    const InstanceId fresh = ctx.instantiate(ctx.target());
    double to_send = state_b_;
    for (std::uint32_t round = 0;; ++round) {
      const double start = ctx.now();
      ctx.transfer(ctx.source(), ctx.target(), to_send, "pre_copy.round." + std::to_string(round));
      const double duration = ctx.now() - start;
      const double dirtied = std::min(state_b_, dirty_rate_bps_ * duration);
      // Rate measured over this round; a round that took no time (nothing to send) leaves nothing dirty.
      const bool fits = duration <= 0 || dirtied <= to_send / duration * config_.downtime_target_s;
      to_send = dirtied;
      if (fits || round + 1 >= config_.max_rounds)
        break;
    }
    ctx.stop_serving();
    ctx.transfer(ctx.source(), ctx.target(), to_send, "pre_copy.stop_copy");
    ctx.restore(fresh, to_send);
    ctx.serve(fresh);
    if (old != kNone)
      ctx.terminate(old);
  }

  double state_b_;
  double dirty_rate_bps_;
  PreCopyConfig config_;
};

} // namespace

std::unique_ptr<Mechanism> make_pre_copy(const Scenario& s)
{
  return std::make_unique<PreCopy>(s.twin.state_b, s.twin.dirty_rate_bps, s.migration.pre_copy);
}

} // namespace v2x
