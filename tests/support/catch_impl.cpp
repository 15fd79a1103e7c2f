// Catch2's implementation, compiled once for unit_tests and sim_tests (tests/CMakeLists.txt, v2x_catch); each
// test program's main.cpp calls run_catch (tests/support/catch_main.hpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "support/catch_main.hpp"

int v2x::test::run_catch(int argc, char* argv[])
{
  return Catch::Session().run(argc, argv);
}
