// Reliability helpers (issue 17): escaped and compact error texts, scenario bounds, --engine-arg checks, the
// HDF5 writer's output-path checks and IoError, the sweep manifest read without throwing.
#include "config/engine_args.hpp"
#include "config/loader.hpp"
#include "config/validate.hpp"
#include "core/error.hpp"
#include "metrics/hdf5_writer.hpp"
#include "sweep/manifest.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using v2x::InputError;

namespace {

const std::string kTiny = V2X_TEST_DATA "/../../scenarios/tiny/two_cells.textproto";
const v2x::KnownNames kKnown{{"nearest"}, {"stateless-restart"}};

std::string load_error(const std::vector<v2x::Override>& overrides)
{
  try {
    v2x::load_scenario(kTiny, overrides, kKnown);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::filesystem::path temp_dir(const std::string& name)
{
  const auto d = std::filesystem::temp_directory_path() / ("v2x-rel-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

} // namespace

TEST_CASE("escape_text writes control bytes and broken UTF-8 as \\xNN and keeps valid UTF-8", "[error]")
{
  CHECK(v2x::escape_text("a\x07"
                         "b\x1b[31m") == "a\\x07b\\x1b[31m");
  CHECK(v2x::escape_text("tab\tnl\n") == "tab\\x09nl\\x0a");
  CHECK(v2x::escape_text("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(v2x::escape_text("\xff\xc3") == "\\xff\\xc3");
  CHECK(v2x::escape_text(std::string("nul\0x", 5)) == "nul\\x00x");
}

TEST_CASE("format_input_error escapes every part and cuts long values", "[error]")
{
  const InputError e({"f\x07.textproto", 3, 0}, "a\x01", std::string(300, 'x'), "bad\x7f");
  const std::string w = e.what();
  CHECK(w.find("f\\x07.textproto:3:") == 0);
  CHECK(w.find("a\\x01") != std::string::npos);
  CHECK(w.find("bad\\x7f") != std::string::npos);
  CHECK(w.find(std::string(200, 'x') + "...") != std::string::npos);
  CHECK(w.find(std::string(201, 'x')) == std::string::npos);
  CHECK(e.description() == "bad\x7f");
  CHECK(std::string(e.in_file("s.textproto").what()) == w); // already has a file
  const InputError bare({}, "field", "1", "what");
  CHECK(std::string(bare.in_file("s.textproto").what()) == "s.textproto: field 'field' = '1': what");
}

TEST_CASE("compact_number never prints hundreds of digits", "[error]")
{
  CHECK(v2x::compact_number(1e300) == "1e+300");
  CHECK(v2x::compact_number(-1.7976931348623157e308).size() < 30);
  CHECK(v2x::compact_number(42) == "42");
  CHECK(v2x::compact_number(0.001) == "0.001");
  CHECK(v2x::compact_number(1e-300) == "1e-300");
}

TEST_CASE("scenario bounds: ceilings and floors name the field, the value and the range", "[config][bounds]")
{
  CHECK(load_error({}) == "(no error)");
  const auto err = load_error({{"infrastructure.mec[0].cores", "4294967295"}});
  CHECK(err.find("infrastructure.mec[0].cores") != std::string::npos);
  CHECK(err.find("4294967295") != std::string::npos);
  CHECK(err.find("1..1048576") != std::string::npos);
  CHECK(load_error({{"migration.decision_interval_s", "1e-300"}}).find("[0.001, 1000000] s") != std::string::npos);
  CHECK(load_error({{"output.sample_period_s", "0"}}) == "(no error)"); // 0 = none
  CHECK(load_error({{"output.sample_period_s", "1e-4"}}).find("output.sample_period_s") != std::string::npos);
  CHECK(load_error({{"twin.dashboard_period_s", "0"}}) == "(no error)");
  CHECK(load_error({{"infrastructure.mec_link_latency_s", "1e300"}}).find("1e+300") != std::string::npos);
  CHECK(load_error({{"infrastructure.mec_link_latency_s", "1000"}}) == "(no error)");
  CHECK(load_error({{"twin.cooperation_areas", "10"}}) == "(no error)");
  CHECK(load_error({{"twin.cooperation_areas", "11"}}).find("0..10") != std::string::npos);
  CHECK(load_error({{"output.chunk_rows", "1048577"}}).find("output.chunk_rows") != std::string::npos);
  CHECK(load_error({{"seed", "9223372036854775808"}}).find("field 'seed'") != std::string::npos);
  CHECK(load_error({{"seed", "9223372036854775807"}}) == "(no error)");
}

TEST_CASE("a directory given as the scenario says so", "[config]")
{
  try {
    v2x::load_scenario(V2X_TEST_DATA, {}, kKnown);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("is a directory") != std::string::npos);
  }
}

TEST_CASE("engine arguments: known keys and values pass, the rest is an InputError naming the value", "[engine_args]")
{
  CHECK_NOTHROW(v2x::validate_engine_args({"--cfg=network/model:LV08", "--log=v2x.thresh:verbose",
                                           "--cfg=contexts/factory:thread", "--log=root.fmt:%m%n",
                                           "--log=a.thresh:debug b.app:stderr", "--cfg=network/TCP-gamma:0"}));
  for (const char* bad :
       {"--cfg=network/model:Nope", "--cfg=nope:1", "--cfg=network/model", "--cfg=:x", "--log=root.thresh:loud",
        "--log=root", "--log=", "--log=.thresh:info", "--foo", "", "--cfg=contexts/stack-size:-1",
        "--cfg=network/crosstraffic:maybe", "--log=v2x.app:printer", "--log=v2x\x07.thresh:info"}) {
    INFO(bad);
    try {
      v2x::validate_engine_args({bad});
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(e.field() == "--engine-arg");
      CHECK(e.value() == bad);
      CHECK(std::string(e.what()).find('\x07') == std::string::npos);
    }
  }
}

TEST_CASE("the HDF5 writer checks its path first: IoError, and nothing left behind", "[hdf5][io]")
{
  const auto d = temp_dir("writer");
  const v2x::RunMetadata meta{"t", "cmd", "s", "text", 1, "p", "m"};
  // an existing folder as the output
  std::filesystem::create_directories(d / "dir.h5");
  CHECK_THROWS_AS(v2x::Hdf5Writer((d / "dir.h5").string(), meta, 8, 0), v2x::IoError);
  // a file as a parent folder
  std::ofstream(d / "plain") << "x";
  try {
    v2x::Hdf5Writer((d / "plain" / "sub" / "x.h5").string(), meta, 8, 0);
    FAIL("no error");
  } catch (const v2x::IoError& e) {
    CHECK(std::string(e.what()).find("is a file") != std::string::npos);
  }
  // a missing folder is created; a destroyed writer leaves nothing
  {
    v2x::Hdf5Writer w((d / "a" / "b" / "x.h5").string(), meta, 8, 0);
    CHECK(std::filesystem::exists(d / "a" / "b" / "x.h5.partial"));
  }
  CHECK_FALSE(std::filesystem::exists(d / "a" / "b" / "x.h5.partial"));
  // a full disk at creation: IoError, and the partial name is gone
  if (std::filesystem::exists("/dev/full")) {
    std::filesystem::create_symlink("/dev/full", d / "full.h5.partial");
    CHECK_THROWS_AS(v2x::Hdf5Writer((d / "full.h5").string(), meta, 8, 0), v2x::IoError);
    CHECK_FALSE(std::filesystem::is_symlink(d / "full.h5.partial"));
  }
  std::filesystem::remove_all(d);
}

TEST_CASE("manifest rows that cannot be read are named and skipped, never an exception", "[sweep][manifest]")
{
  const auto d = temp_dir("manifest");
  const std::string path = (d / "manifest.csv").string();
  std::ofstream(path) << "index,run,output,status,exit_code,error,wall_s\n"
                      << "0,a,runs/a.h5,complete,0,,1.5\n"
                      << "1,b,runs/b.h5,complete\n" // too few fields
                      << ",,,,,,\n"                 // no run id
                      << "3,d,runs/d.h5,complete,0,,not-a-number\n";
  std::vector<std::string> warnings;
  const auto rows = v2x::sweep::read_manifest(path, [&](const std::string& w) { warnings.push_back(w); });
  CHECK(rows.size() == 2);
  CHECK(rows.count("a") == 1);
  CHECK(rows.count("d") == 1);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("manifest.csv:3:") != std::string::npos);
  CHECK(warnings[1].find("manifest.csv:4:") != std::string::npos);
  double v = 0;
  CHECK(v2x::sweep::parse_manifest_number("1.5", v));
  CHECK(v == 1.5);
  CHECK_FALSE(v2x::sweep::parse_manifest_number("not-a-number", v));
  CHECK_FALSE(v2x::sweep::parse_manifest_number("1e999", v));
  CHECK_FALSE(v2x::sweep::parse_manifest_number("", v));
  std::ofstream(path) << "garbage\x01\n1,2,3\n";
  warnings.clear();
  CHECK(v2x::sweep::read_manifest(path, [&](const std::string& w) { warnings.push_back(w); }).empty());
  CHECK(warnings.size() == 1);
  std::filesystem::remove_all(d);
}
