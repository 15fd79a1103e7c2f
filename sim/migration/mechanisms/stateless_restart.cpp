// `stateless-restart`: terminate on the source, then instantiate on the target (the original system's).
// Downtime = source container stop + cleanup + the target's request, scheduling, image pull (unless cached),
// container start and readiness.
#include "migration/registry.hpp"

namespace v2x {
namespace {

class StatelessRestart final : public Mechanism {
public:
  std::string_view name() const override { return "stateless-restart"; }

private:
  void do_execute(MigrationContext& ctx) override
  {
    if (ctx.current() != kNone)
      ctx.terminate(ctx.current());
    const InstanceId fresh = ctx.instantiate(ctx.target());
    ctx.serve(fresh);
  }
};

} // namespace

std::unique_ptr<Mechanism> make_stateless_restart(const Scenario&)
{
  return std::make_unique<StatelessRestart>();
}

} // namespace v2x
