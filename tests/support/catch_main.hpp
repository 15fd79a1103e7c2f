#pragma once
// The test programs' main: Catch2's session over the command line (tests/support/catch_impl.cpp).
namespace v2x::test {
int run_catch(int argc, char* argv[]);
}
