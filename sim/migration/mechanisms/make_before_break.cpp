// `make-before-break`: instantiate on the target while the source serves, switch the subscriptions to the
// target, then terminate the source. No downtime; the new instance starts without the old one's state (it
// rebuilds it from the messages it receives), so no state crosses the network.
#include "migration/registry.hpp"

namespace v2x {
namespace {

class MakeBeforeBreak final : public Mechanism {
public:
  std::string_view name() const override { return "make-before-break"; }

private:
  void do_execute(MigrationContext& ctx) override
  {
    const InstanceId old = ctx.current();
    const InstanceId fresh = ctx.instantiate(ctx.target());
    ctx.serve(fresh);
    if (old != kNone)
      ctx.terminate(old);
  }
};

} // namespace

std::unique_ptr<Mechanism> make_make_before_break(const Scenario&)
{
  return std::make_unique<MakeBeforeBreak>();
}

} // namespace v2x
