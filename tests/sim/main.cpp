// Simulation tests: silence v2xsim's and SimGrid's logs unless V2X_TEST_LOG is set.
#include "support/catch_main.hpp"

#include <xbt/log.h>

#include <cstdlib>

int main(int argc, char* argv[])
{
  if (std::getenv("V2X_TEST_LOG") == nullptr) {
    xbt_log_control_set("root.thresh:critical");
  }
  return v2x::test::run_catch(argc, argv);
}
