// Scenario loading: text format parsing with locations, --set overrides, translation with the schema's
// defaults, derived defaults, validation errors naming file:line:column and value, telemetry wire sizes.
// Expected line:column values are read off the files in tests/data/scenarios/ (1-based, as editors show them).
#include "config/loader.hpp"
#include "edge/orchestrator.hpp"
#include "proto/scenario_document.hpp"
#include "proto/wire_size.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>

using v2x::InputError;
using v2x::Override;

namespace {

const std::string kDir = V2X_TEST_DATA "/scenarios/";
const v2x::KnownNames kKnown{{"never", "cloud", "nearest"}, {"stateless-restart", "make-before-break"}};

std::string read_file(const std::string& path)
{
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The InputError load_scenario throws (the test fails when it does not throw one).
InputError load_error(const std::string& file, const std::vector<Override>& overrides = {})
{
  try {
    v2x::load_scenario(file, overrides, kKnown);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("no InputError for " << file);
  throw std::logic_error("unreachable");
}

/// The InputError ScenarioDocument::set throws.
InputError set_error(v2x::ScenarioDocument& doc, const std::string& path, const std::string& value)
{
  try {
    doc.set(path, value);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("no InputError for --set " << path << "=" << value);
  throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("the readiness probe's law: first probe at u x period, every period after, none before the initial delay",
          "[config][orchestrator]")
{
  // By hand from the kubelet prober's schedule (scenario.proto, Orchestrator): probes at u P, u P + P, ...
  CHECK(v2x::probe_readiness_s(0.25, 0, 10) == 2.5);   // the first probe, no initial delay
  CHECK(v2x::probe_readiness_s(0.25, 12, 10) == 12.5); // 2.5 is before the 12 s delay (skipped), 12.5 succeeds
  CHECK(v2x::probe_readiness_s(0.25, 2.5, 10) == 2.5); // exactly at the initial delay: that probe succeeds
  CHECK(v2x::probe_readiness_s(0.0, 0, 10) == 0.0);
  CHECK(v2x::probe_readiness_s(0.5, 3, 1) == 3.5);     // 0.5, 1.5, 2.5 skipped; 3.5 succeeds
}

TEST_CASE("good scenario: values as written, schema defaults, derived defaults", "[config]")
{
  const std::string file = kDir + "good.textproto";
  const v2x::Scenario s = v2x::load_scenario(file, {}, kKnown);

  CHECK(s.name == "good");
  CHECK(s.seed == 42);
  CHECK(s.duration_s == 120);
  CHECK(s.source_file == file);
  CHECK(s.source_text == read_file(file)); // no override: the text as written, comments included

  // trace resolved against the scenario's folder
  CHECK(s.mobility.trace == kDir + "trace.csv");
  CHECK(s.mobility.format == v2x::TraceFormat::Csv);
  CHECK(s.mobility.max_gap_s == 2.0); // proto default

  const auto& inf = s.infrastructure;
  REQUIRE(inf.rsus.size() == 3);
  REQUIRE(inf.mecs.size() == 2);
  CHECK(inf.rsus[0].mec == "m1"); // as written
  CHECK(inf.rsus[1].mec == "m2"); // nearest: (900,0) is 100 m from m2, 900 m from m1
  CHECK(inf.rsus[2].mec == "m1"); // nearest: (400,50) is 403 m from m1, 602 m from m2
  CHECK(inf.rsus[2].cell_capacity_bps == 1e6);
  CHECK(inf.rsus[0].cell_capacity_bps == 750000); // proto default (6 Mb/s)
  CHECK(inf.rsus[0].cell_radius_m == 300);
  CHECK(inf.mecs[0].cores == 8);
  CHECK(inf.mecs[1].cores == 16); // proto default
  CHECK(inf.cloud.link_latency_s == 0.015);

  // brokers: one per MEC on that MEC, plus one in the cloud
  REQUIRE(inf.brokers.size() == 3);
  CHECK(inf.brokers[0].id == "broker-m1");
  CHECK(inf.brokers[0].site == "m1");
  CHECK(inf.brokers[1].id == "broker-m2");
  CHECK(inf.brokers[2].id == "broker-cloud");
  CHECK(inf.brokers[2].site == "cloud");

  // backhaul: 3 RSU->MEC links, 1 MEC-MEC link (full mesh of 2), 2 MEC->cloud links
  REQUIRE(inf.links.size() == 6);
  CHECK(inf.links[1].from == "r2");
  CHECK(inf.links[1].to == "m2");
  CHECK(inf.links[1].bandwidth_bps == 125e6);
  CHECK(inf.links[1].latency_s == 0.001);
  CHECK(inf.links[3].from == "m1");
  CHECK(inf.links[3].to == "m2");
  CHECK(inf.links[3].bandwidth_bps == 1.25e9);
  CHECK(inf.links[5].from == "m2");
  CHECK(inf.links[5].to == "cloud");
  CHECK(inf.links[5].latency_s == 0.015);

  // orchestrator: container_start as written, the rest the defaults of scenario.proto's Orchestrator comment
  const auto& o = s.orchestrator;
  using Kind = v2x::Distribution::Kind;
  CHECK(o.container_start.kind == Kind::Constant);
  CHECK(o.container_start.value == 3);
  CHECK(o.request.kind == Kind::Uniform);
  CHECK(o.request.min == 0.2);
  CHECK(o.request.max == 0.4);
  CHECK(o.scheduling.kind == Kind::Exponential);
  CHECK(o.scheduling.value == 0.05);
  // readiness from the Kubernetes default probe (periodSeconds 10, initialDelaySeconds 0), container stop at the
  // end of the default 30 s termination grace period (a twin that does not exit on SIGTERM)
  CHECK(o.readiness_from_probe);
  CHECK(o.readiness_period_s == 10);
  CHECK(o.readiness_initial_delay_s == 0);
  CHECK(o.terminate_request.kind == Kind::Uniform);
  CHECK(o.container_stop.kind == Kind::Constant);
  CHECK(o.container_stop.value == 30);
  CHECK(o.cleanup.value == 0.1);
  CHECK(o.prepulled == std::vector<std::string>{"m2"});

  CHECK(s.migration.policy == "never");
  CHECK(s.migration.mechanism == "stateless-restart"); // proto default
  REQUIRE(s.migration.manual.size() == 1);
  CHECK(s.migration.manual[0].at_s == 10);
  CHECK(s.migration.manual[0].to == "cloud");

  // 802.11p default ladder: 27 Mb/s = 3,375,000 B/s within 50 m ... 3 Mb/s = 375,000 B/s within 300 m
  REQUIRE(s.network.rate_steps.size() == 6);
  CHECK(s.network.rate_steps[0].distance_m == 50);
  CHECK(s.network.rate_steps[0].rate_bps == 3375000);
  CHECK(s.network.rate_steps[4].rate_bps == 750000);
  CHECK(s.network.rate_steps[5].distance_m == 300);
  CHECK(s.network.rate_steps[5].rate_bps == 375000);
  CHECK(s.output.path == "v2xsim-out.h5");
}

TEST_CASE("defaulted orchestrator delays: lognormal container start", "[config]")
{
  const auto doc = v2x::ScenarioDocument::parse("name: \"x\"", "inline");
  const v2x::Scenario s = doc.to_scenario();
  const auto& d = s.orchestrator.container_start;
  CHECK(d.kind == v2x::Distribution::Kind::Lognormal);
  CHECK(d.value == 2);
  CHECK(d.sigma == 0.35);
  CHECK(d.min == 0);
  CHECK(d.max == 30);
  CHECK(s.seed == 1); // proto default
}

TEST_CASE("locate gives where a field, or its enclosing message, was written", "[config]")
{
  const std::string file = kDir + "good.textproto";
  const auto doc = v2x::ScenarioDocument::load(file);
  auto loc = doc.locate("infrastructure.rsu[2].x_m");
  CHECK(loc.file == file);
  CHECK(loc.line == 14);
  CHECK(loc.column == 5);
  loc = doc.locate("infrastructure.rsu[1].x_m"); // `  rsu { id: "r2" x_m: 900 ...`
  CHECK(loc.line == 11);
  CHECK(loc.column == 18);
  loc = doc.locate("infrastructure.rsu[2].cell_radius_m"); // not written: the rsu { it belongs to
  CHECK(loc.line == 12);
  CHECK(loc.column == 3);
  loc = doc.locate("output.path"); // no output message at all: file only
  CHECK(loc.file == file);
  CHECK(loc.line == 0);
}

TEST_CASE("tabs: columns are characters, not the tokenizer's tab stops", "[config]")
{
  const auto doc = v2x::ScenarioDocument::parse("mobility {\n\t\ttrace: \"t\"\n}\n", "tabs");
  const auto loc = doc.locate("mobility.trace");
  CHECK(loc.line == 2);
  CHECK(loc.column == 3); // after two tab characters (the tokenizer counts them as column 16)
}

TEST_CASE("set overrides on nested, repeated, enum, bool, string and integer fields", "[config]")
{
  const std::string file = kDir + "good.textproto";
  const std::vector<Override> overrides{
      v2x::parse_override("infrastructure.mec[1].cores=32"),
      v2x::parse_override("infrastructure.rsu[3].id=r4"), // appends a fourth RSU
      v2x::parse_override("infrastructure.rsu[3].x_m=1200.5"),
      v2x::parse_override("network.model=LV08"),
      v2x::parse_override("mobility.format=SUMO_FCD"),
      v2x::parse_override("orchestrator.image_cache=false"),
      v2x::parse_override("output.messages=0"),
      v2x::parse_override("migration.mechanism=make-before-break"),
      v2x::parse_override("seed=9223372036854775807"),
      v2x::parse_override("orchestrator.request.kind=CONSTANT"), // creates the absent request message
      v2x::parse_override("orchestrator.request.value_s=0.7"),
      v2x::parse_override("orchestrator.prepulled[1]=m1"), // appends to a repeated string
      v2x::parse_override("network.rate_step[0].distance_m=100"),
      v2x::parse_override("network.rate_step[0].rate_bps=1.5e6"),
  };
  const v2x::Scenario s = v2x::load_scenario(file, overrides, kKnown);
  CHECK(s.infrastructure.mecs[1].cores == 32);
  REQUIRE(s.infrastructure.rsus.size() == 4);
  CHECK(s.infrastructure.rsus[3].id == "r4");
  CHECK(s.infrastructure.rsus[3].x_m == 1200.5);
  CHECK(s.infrastructure.rsus[3].mec == "m2"); // nearest
  CHECK(s.network.model == v2x::NetworkModel::Lv08);
  CHECK(s.mobility.format == v2x::TraceFormat::SumoFcd);
  CHECK_FALSE(s.orchestrator.image_cache);
  CHECK(s.output.messages.mode == v2x::MessagesMode::None);
  CHECK(s.migration.mechanism == "make-before-break");
  CHECK(s.seed == 9223372036854775807ull); // the largest seed: run --seed takes an int64
  CHECK(s.orchestrator.request.kind == v2x::Distribution::Kind::Constant);
  CHECK(s.orchestrator.request.value == 0.7);
  CHECK(s.orchestrator.prepulled == std::vector<std::string>{"m2", "m1"});
  REQUIRE(s.network.rate_steps.size() == 1); // given: the default ladder is not added
  CHECK(s.network.rate_steps[0].rate_bps == 1.5e6);
  // the recorded text is the document after overrides, and names them
  CHECK(s.source_text.find("--set infrastructure.mec[1].cores=32") != std::string::npos);
  CHECK(s.source_text.find("cores: 32") != std::string::npos);
  CHECK(s.source_text.find("model: LV08") != std::string::npos);
}

TEST_CASE("set override errors: unknown field, not a scalar, bad number, range, enum, index", "[config]")
{
  auto doc = v2x::ScenarioDocument::load(kDir + "good.textproto");

  auto e = set_error(doc, "infrastructure.rsu[0].colour", "red");
  CHECK(e.field() == "infrastructure.rsu[0].colour");
  CHECK(e.value() == "red");
  CHECK_THAT(e.what(), Catch::Contains("unknown field 'colour'") && Catch::Contains("cell_radius_m"));

  e = set_error(doc, "infrastructure", "1");
  CHECK_THAT(e.what(), Catch::Contains("is a message") && Catch::Contains("rsu, mec, cloud"));

  e = set_error(doc, "infrastructure.rsu[0].x_m", "abc");
  CHECK_THAT(e.what(), Catch::Contains("not a finite number") && Catch::Contains("'abc'"));
  e = set_error(doc, "infrastructure.rsu[0].x_m", "12m");
  CHECK_THAT(e.what(), Catch::Contains("not a finite number"));

  e = set_error(doc, "infrastructure.mec[0].cores", "4294967296"); // 2^32: one past uint32
  CHECK_THAT(e.what(), Catch::Contains("out of range") && Catch::Contains("0..4294967295"));
  e = set_error(doc, "infrastructure.mec[0].cores", "-1");
  CHECK_THAT(e.what(), Catch::Contains("out of range"));
  e = set_error(doc, "seed", "18446744073709551616"); // 2^64
  CHECK_THAT(e.what(), Catch::Contains("out of range"));

  e = set_error(doc, "network.model", "NS3");
  CHECK_THAT(e.what(), Catch::Contains("CM02, LV08"));
  e = set_error(doc, "output.messages", "yes");
  CHECK_THAT(e.what(), Catch::Contains("not a boolean"));

  e = set_error(doc, "infrastructure.rsu[4].x_m", "1"); // 3 RSUs: 0..3 allowed
  CHECK_THAT(e.what(), Catch::Contains("out of range") && Catch::Contains("has 3 element(s)"));
  e = set_error(doc, "infrastructure.rsu.x_m", "1");
  CHECK_THAT(e.what(), Catch::Contains("repeated"));
  e = set_error(doc, "name[0]", "x");
  CHECK_THAT(e.what(), Catch::Contains("not repeated"));
  e = set_error(doc, "name.first", "x");
  CHECK_THAT(e.what(), Catch::Contains("has no fields"));
  e = set_error(doc, "infrastructure..rsu", "x");
  CHECK_THAT(e.what(), Catch::Contains("bad field path"));

  // a failed override leaves the document unchanged: rsu[3] appended on the way to a bad value is rolled back
  set_error(doc, "infrastructure.rsu[3].x_m", "abc");
  CHECK(doc.to_scenario().infrastructure.rsus.size() == 3);
}

TEST_CASE("an override set from the command line is located nowhere in the file", "[config]")
{
  auto doc = v2x::ScenarioDocument::load(kDir + "good.textproto");
  CHECK(doc.locate("infrastructure.rsu[2].x_m").line == 14);
  doc.set("infrastructure.rsu[2].x_m", "5");
  CHECK(doc.locate("infrastructure.rsu[2].x_m").line == 0);
  CHECK(doc.locate("infrastructure.rsu[2].y_m").line == 15); // still as written
}

TEST_CASE("parse_override", "[config]")
{
  const Override o = v2x::parse_override(" migration.policy =cloud=x");
  CHECK(o.path == "migration.policy");
  CHECK(o.value == "cloud=x"); // split at the first '='
  CHECK(v2x::parse_override("name=").value.empty());
  CHECK_THROWS_AS(v2x::parse_override("migration.policy"), InputError);
  CHECK_THROWS_WITH(v2x::parse_override("=3"), Catch::Contains("'=3'") && Catch::Contains("--set"));
}

TEST_CASE("bad --set through load_scenario names the override", "[config]")
{
  const auto e = load_error(kDir + "good.textproto", {{"name", "ok"}, {"twin.cpu_cores", "lots"}});
  CHECK(e.field() == "twin.cpu_cores");
  CHECK(e.value() == "lots");
  CHECK_THAT(e.what(), Catch::Contains("--set twin.cpu_cores=lots (override 2 of 2)"));
}

TEST_CASE("a value made invalid by --set is reported with its path and value", "[config]")
{
  const std::string file = kDir + "good.textproto";
  auto e = load_error(file, {{"output.compression", "10"}});
  CHECK(e.field() == "output.compression");
  CHECK_THAT(e.what(), Catch::Contains("'10'") && Catch::Contains("0..9"));

  e = load_error(file, {{"orchestrator.readiness.kind", "UNIFORM"},
                        {"orchestrator.readiness.min_s", "3"},
                        {"orchestrator.readiness.max_s", "2"}});
  CHECK(e.field() == "orchestrator.readiness.min_s");

  e = load_error(file, {{"network.rate_step[0].distance_m", "100"},
                        {"network.rate_step[0].rate_bps", "1500000"},
                        {"network.rate_step[1].distance_m", "100"},
                        {"network.rate_step[1].rate_bps", "750000"}});
  CHECK(e.field() == "network.rate_step[1].distance_m");
  CHECK_THAT(e.what(), Catch::Contains("increasing distance"));

  // a rate that is no 802.11p OFDM rate (1 MB/s = 8 Mb/s) has no airtime in the radio model
  e = load_error(file, {{"network.rate_step[0].distance_m", "100"}, {"network.rate_step[0].rate_bps", "1e6"}});
  CHECK(e.field() == "network.rate_step[0].rate_bps");
  CHECK_THAT(e.what(), Catch::Contains("'1000000'") && Catch::Contains("802.11p") && Catch::Contains("3375000"));

  e = load_error(file, {{"infrastructure.rsu[0].id", "cloud"}});
  CHECK_THAT(e.what(), Catch::Contains("reserved"));

  e = load_error(file, {{"infrastructure.broker[0].id", "b"}, {"infrastructure.broker[0].site", "m7"}});
  CHECK(e.field() == "infrastructure.broker[0].site");
  CHECK_THAT(e.what(), Catch::Contains("'m7'") && Catch::Contains("MECs: m1, m2"));

  e = load_error(file, {{"migration.manual[0].to", "m3"}});
  CHECK(e.field() == "migration.manual[0].to");
  CHECK(e.where().line == 0); // the value came from --set, not from a line of the file
  CHECK_THAT(e.what(), Catch::Contains("'m3'") && Catch::Contains("unknown target"));
}

TEST_CASE("bad scenario files: each error names file, line:column and value", "[config]")
{
  struct Case {
    const char* file;
    int line;
    int column;
    std::string value;
    std::string says;
  };
  const Case cases[] = {
      {"bad_syntax.textproto", 6, 22, "12", "Expected \":\""},
      {"bad_unknown_field.textproto", 5, 18, "colour", "no field named \"colour\""},
      {"bad_negative_bandwidth.textproto", 9, 5, "-125000", "must be a finite number in (0, 1e+15] B/s"},
      {"bad_mec_reference.textproto", 5, 18, "m9", "unknown MEC; MECs: m1"},
      {"bad_policy.textproto", 7, 13, "teleport", "valid policies: never, cloud, nearest"},
      {"bad_missing_trace.textproto", 2, 12, "no-such-trace.csv", "trace file not found"},
      {"bad_duplicate_id.textproto", 6, 9, "r1", "duplicate id: already used by infrastructure.rsu[0].id"},
  };
  for (const Case& c : cases) {
    const std::string file = kDir + c.file;
    INFO(file);
    const InputError e = load_error(file);
    INFO(e.what());
    CHECK(e.where().file == file);
    CHECK(e.where().line == c.line);
    CHECK(e.where().column == c.column);
    const std::string where = file + ":" + std::to_string(c.line) + ":" + std::to_string(c.column) + ":";
    CHECK_THAT(e.what(), Catch::StartsWith(where));
    CHECK_THAT(e.what(), Catch::Contains(c.value));
    CHECK_THAT(e.what(), Catch::Contains(c.says));
  }
}

TEST_CASE("unknown field in a file lists the valid ones", "[config]")
{
  const InputError e = load_error(kDir + "bad_unknown_field.textproto");
  CHECK_THAT(e.what(), Catch::Contains("Valid fields of Mec: id, x_m, y_m, cores"));
}

TEST_CASE("unknown enum value in a file lists the valid ones", "[config]")
{
  try {
    v2x::ScenarioDocument::parse("\nnetwork { model: NS3 }\n", "inline");
    FAIL("parsed");
  } catch (const InputError& e) {
    CHECK(e.where().line == 2);
    CHECK(e.where().column == 18); // `network { model: NS3 }`: the value, not the token after it
    CHECK(e.value() == "NS3");
    CHECK_THAT(e.what(), Catch::Contains("NS3") && Catch::Contains("Valid values: CM02, LV08"));
  }
}

TEST_CASE("an unreadable scenario file is an InputError naming it", "[config]")
{
  const InputError e = load_error(kDir + "no-such-scenario.textproto");
  CHECK_THAT(e.what(), Catch::Contains("no-such-scenario.textproto") && Catch::Contains("cannot open"));
}

TEST_CASE("describe summarises what would run", "[config]")
{
  const v2x::Scenario s = v2x::load_scenario(kDir + "good.textproto", {}, kKnown);
  const std::string d = v2x::describe(s);
  CHECK_THAT(d, Catch::Contains("scenario 'good'"));
  CHECK_THAT(d, Catch::Contains("3 RSUs, 2 MECs + cloud, 3 brokers, 0 routers, 6 backhaul links"));
  CHECK_THAT(d, Catch::Contains("request uniform(0.2, 0.4) s"));
  CHECK_THAT(d, Catch::Contains("container start 3 s"));
  CHECK_THAT(d, Catch::Contains("policy never, mechanism stateless-restart"));
  CHECK_THAT(d, Catch::Contains("<=50 m 27 Mb/s"));
  CHECK_THAT(d, Catch::Contains("RSU r2 at (900, 0) m"));
}

TEST_CASE("wire sizes: hand-computed cases", "[config][wire]")
{
  // station_id 1 and station_type 5: two fields of one tag byte + one varint byte each; zero fields are absent
  CHECK(v2x::cam_wire_size(1, 0, 0, 0, 0, 0, 5, 0) == 4);
  // + generation_ms 1000 (varint 2 bytes) + latitude -1 cm (zigzag 1: 1 byte) + heading 90.0 deg = 900 (2 bytes)
  CHECK(v2x::cam_wire_size(1, 1.0, 0, -0.01, 0, 90, 5, 0) == 4 + 3 + 2 + 3);
  // heading 360 deg wraps to 0: absent
  CHECK(v2x::cam_wire_size(1, 0, 0, 0, 0, 360, 5, 0) == 4);
  // twin report: station 1, time 1 s (1000 ms), site 0 (absent)
  CHECK(v2x::twin_report_wire_size(1, 1.0, 0, 0, 0, 0) == 2 + 3);
}

TEST_CASE("wire sizes equal the Protobuf messages' ByteSizeLong", "[config][wire]")
{
  std::mt19937_64 rng(20240601);
  // magnitudes spread over every varint length, zeros included (absent fields), out-of-range values saturating
  auto magnitude = [&](double max) {
    const double scale = std::pow(10.0, std::uniform_real_distribution<double>(-3, std::log10(max))(rng));
    const int pick = static_cast<int>(rng() % 10);
    return pick == 0 ? 0.0 : scale * (pick % 2 == 0 ? -1 : 1);
  };
  auto u32 = [&] { return static_cast<std::uint32_t>(rng() >> (rng() % 33)); };
  for (int i = 0; i < 20000; ++i) {
    const std::uint32_t station = u32();
    const double t = std::fabs(magnitude(1e8));
    const double x = magnitude(5e7); // beyond int32 centimetres (2.1e7 m): saturates
    const double y = magnitude(5e7);
    const double speed = magnitude(100); // negative speeds clamp to 0
    const double heading = magnitude(1000);
    const std::uint32_t type = static_cast<std::uint32_t>(rng() % 3) * 5;
    const std::uint32_t seq = u32();
    INFO(station << " " << t << " " << x << " " << y << " " << speed << " " << heading << " " << type << " " << seq);
    REQUIRE(v2x::cam_wire_size(station, t, x, y, speed, heading, type, seq) ==
            v2x::cam_wire_size_protobuf(station, t, x, y, speed, heading, type, seq));
    const double last = std::fabs(magnitude(1e8));
    REQUIRE(v2x::twin_report_wire_size(station, t, last, seq % 200, x, y) ==
            v2x::twin_report_wire_size_protobuf(station, t, last, seq % 200, x, y));
  }
}
