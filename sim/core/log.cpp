#include "core/log.hpp"

XBT_LOG_NEW_CATEGORY(v2x, "v2xsim");
XBT_LOG_NEW_SUBCATEGORY(v2x_core, v2x, "v2xsim ground: errors, random streams, distributions");
XBT_LOG_NEW_SUBCATEGORY(v2x_topology, v2x, "v2xsim infrastructure graph and SimGrid platform");
XBT_LOG_NEW_SUBCATEGORY(v2x_radio, v2x, "v2xsim access network: frames, airtime, channels");
XBT_LOG_NEW_SUBCATEGORY(v2x_stations, v2x, "v2xsim stations: OBUs, RSUs, attachment and handover");
XBT_LOG_NEW_SUBCATEGORY(v2x_messaging, v2x, "v2xsim messaging: topics, brokers, sessions, delivery");
XBT_LOG_NEW_SUBCATEGORY(v2x_edge, v2x, "v2xsim edge: MEC ledger, twins, orchestrator");
XBT_LOG_NEW_SUBCATEGORY(v2x_manager, v2x, "v2xsim manager: triggers, intents, execution");
XBT_LOG_NEW_SUBCATEGORY(v2x_migration, v2x, "v2xsim migration policies and mechanisms");
XBT_LOG_NEW_SUBCATEGORY(v2x_metrics, v2x, "v2xsim metrics recorder and HDF5 writer");
XBT_LOG_NEW_SUBCATEGORY(v2x_run, v2x, "v2xsim run composition");
