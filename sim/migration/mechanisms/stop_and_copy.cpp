// `stop-and-copy`: prepare an instance on the target while the source serves (image pull, container start),
// then stop the source, transfer the whole state (twin.state_b) over the network, restore it on the target and
// serve from there; finally terminate the source. Downtime = the state transfer + the restore.
#include "migration/registry.hpp"

namespace v2x {
namespace {

class StopAndCopy final : public Mechanism {
public:
  explicit StopAndCopy(double state_b)
      : state_b_(state_b)
  {
  }
  std::string_view name() const override { return "stop-and-copy"; }
  bool carries_state() const override { return true; }

private:
  void do_execute(MigrationContext& ctx) override
  {
    const InstanceId old = ctx.current();
    const InstanceId fresh = ctx.instantiate(ctx.target());
    ctx.stop_serving();
    ctx.transfer(ctx.source(), ctx.target(), state_b_, "stop_copy.state");
    ctx.restore(fresh, state_b_);
    ctx.serve(fresh);
    if (old != kNone)
      ctx.terminate(old);
  }

  double state_b_;
};

} // namespace

std::unique_ptr<Mechanism> make_stop_and_copy(const Scenario& s)
{
  return std::make_unique<StopAndCopy>(s.twin.state_b);
}

} // namespace v2x
