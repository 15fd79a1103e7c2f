#pragma once
// Root log category of v2xsim; each folder has a subcategory declared in its own .cpp files with
// XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_<folder>_<file>, v2x_<folder>, "...").
#include <xbt/log.h>

XBT_LOG_EXTERNAL_CATEGORY(v2x);
XBT_LOG_EXTERNAL_CATEGORY(v2x_core);
XBT_LOG_EXTERNAL_CATEGORY(v2x_topology);
XBT_LOG_EXTERNAL_CATEGORY(v2x_radio);
XBT_LOG_EXTERNAL_CATEGORY(v2x_stations);
XBT_LOG_EXTERNAL_CATEGORY(v2x_messaging);
XBT_LOG_EXTERNAL_CATEGORY(v2x_edge);
XBT_LOG_EXTERNAL_CATEGORY(v2x_manager);
XBT_LOG_EXTERNAL_CATEGORY(v2x_migration);
XBT_LOG_EXTERNAL_CATEGORY(v2x_metrics);
XBT_LOG_EXTERNAL_CATEGORY(v2x_run);
