#include "core/log.hpp"

XBT_LOG_NEW_CATEGORY(v2x, "v2xsim");
XBT_LOG_NEW_SUBCATEGORY(v2x_core, v2x, "v2xsim core: run building");
XBT_LOG_NEW_SUBCATEGORY(v2x_actors, v2x, "v2xsim actors: vehicles, RSUs, brokers, twins, orchestrator, manager");
XBT_LOG_NEW_SUBCATEGORY(v2x_migration, v2x, "v2xsim migration policies and mechanisms");
XBT_LOG_NEW_SUBCATEGORY(v2x_topology, v2x, "v2xsim infrastructure graph and SimGrid platform");
XBT_LOG_NEW_SUBCATEGORY(v2x_metrics, v2x, "v2xsim metrics recorder and HDF5 writer");
