#pragma once
// Root log category of v2xsim; each folder has a subcategory declared in its own .cpp files with
// XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_<folder>_<file>, v2x_<folder>, "...").
#include <xbt/log.h>

XBT_LOG_EXTERNAL_CATEGORY(v2x);
XBT_LOG_EXTERNAL_CATEGORY(v2x_actors);
XBT_LOG_EXTERNAL_CATEGORY(v2x_migration);
XBT_LOG_EXTERNAL_CATEGORY(v2x_topology);
XBT_LOG_EXTERNAL_CATEGORY(v2x_metrics);
XBT_LOG_EXTERNAL_CATEGORY(v2x_core);
