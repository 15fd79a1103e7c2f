// `post-copy` (Hines and Gopalan, VEE 2009): prepare an instance on the target, stop the source, send the
// execution context (post_copy.switch_b, at most the state), restore it and serve from the target at once;
// then move the rest of the state in the background as one flow, and terminate the source. Until that flow
// has arrived, every message the target processes first fetches post_copy.fault_b from the source on demand
// (one request/reply over the route, computed on the idle network): messages are delayed, not lost.
// Downtime = the context transfer + its restore.
#include "migration/registry.hpp"

#include <algorithm>

namespace v2x {
namespace {

class PostCopy final : public Mechanism {
public:
  PostCopy(double state_b, const PostCopyConfig& config)
      : state_b_(state_b)
      , config_(config)
  {
  }
  std::string_view name() const override { return "post-copy"; }
  bool carries_state() const override { return true; }

private:
  void do_execute(MigrationContext& ctx) override
  {
    const InstanceId old = ctx.current();
    const InstanceId fresh = ctx.instantiate(ctx.target());
    const double context_b = std::min(config_.switch_b, state_b_);
    ctx.stop_serving();
    ctx.transfer(ctx.source(), ctx.target(), context_b, "post_copy.switch");
    ctx.restore(fresh, context_b);
    const double rest = state_b_ - context_b;
    if (rest > 0)
      ctx.set_fault_delay(fresh, ctx.fetch_time(ctx.source(), ctx.target(), config_.fault_b));
    ctx.serve(fresh);
    if (rest > 0) {
      ctx.transfer(ctx.source(), ctx.target(), rest, "post_copy.fault_in");
      ctx.set_fault_delay(fresh, 0);
    }
    if (old != kNone)
      ctx.terminate(old);
  }

  double state_b_;
  PostCopyConfig config_;
};

} // namespace

std::unique_ptr<Mechanism> make_post_copy(const Scenario& s)
{
  return std::make_unique<PostCopy>(s.twin.state_b, s.migration.post_copy);
}

} // namespace v2x
