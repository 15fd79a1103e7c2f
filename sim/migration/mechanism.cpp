#include "migration/mechanism.hpp"

#include "core/log.hpp"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_migration_mechanism, v2x_migration, "Migration mechanisms");

namespace v2x {

void Mechanism::execute(MigrationContext& ctx)
{
  XBT_DEBUG("t=%.6f %s: site %u -> site %u", ctx.now(), std::string(name()).c_str(), ctx.source(), ctx.target());
  do_execute(ctx);
  XBT_DEBUG("t=%.6f %s: done", ctx.now(), std::string(name()).c_str());
}

} // namespace v2x
