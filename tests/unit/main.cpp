// Unit tests: Catch2's session, nothing else (its implementation is tests/support/catch_impl.cpp).
#include "support/catch_main.hpp"

int main(int argc, char* argv[])
{
  return v2x::test::run_catch(argc, argv);
}
