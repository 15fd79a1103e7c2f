// Trace readers: the three formats of the same Bologna trace agree, compressed and plain agree, geographic
// output is projected to metres, and every kind of bad input is an InputError naming file, line and problem.
#include "support/temp_dir.hpp"
#include "core/error.hpp"
#include "mobility/trace.hpp"

#include <catch2/catch.hpp>
#include "support/skip.hpp"

#include <zlib.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace v2x;

namespace {

const std::string kTraces = std::string(V2X_TEST_DATA) + "/traces/";

std::vector<TraceStep> read_all(const std::string& path, TraceFormat format = TraceFormat::Auto)
{
  auto reader = open_trace(path, format);
  std::vector<TraceStep> steps;
  TraceStep step;
  while (reader->next(step))
    steps.push_back(step);
  return steps;
}

std::size_t rows(const std::vector<TraceStep>& steps)
{
  std::size_t n = 0;
  for (const auto& s : steps)
    n += s.vehicles.size();
  return n;
}

// A scratch directory for bad traces, removed at the end of the test case.
struct TempDir : v2x::test::TempDir {
  TempDir() : v2x::test::TempDir("trace_test") {}
};

std::string read_file(const std::string& path)
{
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs the whole trace and returns the InputError's message; fails the test if none is thrown.
InputError expect_input_error(const std::string& path, TraceFormat format = TraceFormat::Auto)
{
  try {
    read_all(path, format);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("no InputError for " << path);
  throw std::logic_error("unreachable");
}

const char* kFcdHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<fcd-export>\n";

} // namespace

TEST_CASE("FCD excerpt: timesteps, rows and the first vehicle as written in the file", "[trace]")
{
  auto steps = read_all(kTraces + "bologna_60s.fcd.xml.gz");
  // The excerpt is t = 600..659 of the shared Bologna trace: 60 <timestep> and 2,820 <vehicle> elements
  // (grep -c on the decompressed file).
  REQUIRE(steps.size() == 60);
  CHECK(steps.front().time_s == 600.0);
  CHECK(steps.back().time_s == 659.0);
  CHECK(rows(steps) == 2820);
  // First line of the trace: <vehicle id="1_240" x="420.31" y="1147.29" angle="294.21" type="bus" speed="0.00" ...>
  const VehicleSample& v = steps.front().vehicles.front();
  CHECK(v.id == "1_240");
  CHECK(v.x_m == 420.31);
  CHECK(v.y_m == 1147.29);
  CHECK(v.angle_deg == 294.21);
  CHECK(v.speed_mps == 0.0);
  CHECK(v.type == "bus");
  CHECK(v.has_speed);
  CHECK(v.has_angle);
}

TEST_CASE("FCD plain, gzip and xz give identical steps", "[trace]")
{
  auto gz = read_all(kTraces + "bologna_60s.fcd.xml.gz");
  auto xz = read_all(kTraces + "bologna_60s.fcd.xml.xz");
  auto plain = read_all(kTraces + "bologna_10s.fcd.xml");  // the first 10 s of the same excerpt, uncompressed
  REQUIRE(xz.size() == gz.size());
  REQUIRE(plain.size() == 10);
  for (std::size_t i = 0; i < gz.size(); ++i) {
    REQUIRE(xz[i].time_s == gz[i].time_s);
    REQUIRE(xz[i].vehicles.size() == gz[i].vehicles.size());
    for (std::size_t j = 0; j < gz[i].vehicles.size(); ++j) {
      CHECK(xz[i].vehicles[j].id == gz[i].vehicles[j].id);
      CHECK(xz[i].vehicles[j].x_m == gz[i].vehicles[j].x_m);
      if (i < plain.size()) {
        CHECK(plain[i].vehicles[j].id == gz[i].vehicles[j].id);
        CHECK(plain[i].vehicles[j].y_m == gz[i].vehicles[j].y_m);
      }
    }
  }
}

namespace {

// Checks that `other` (CSV or ns-2) has the same vehicles at the same times and positions as `fcd`.
// ns-2 ids are node numbers in order of first appearance, so `ns2_ids` maps FCD ids to them.
void check_same_trace(const std::vector<TraceStep>& fcd, const std::vector<TraceStep>& other, bool ns2_ids)
{
  std::map<std::string, std::string> id_map;
  std::size_t j = 0;
  for (const TraceStep& f : fcd) {
    if (f.vehicles.empty() && ns2_ids)
      continue;  // traceExporter writes nothing for an empty timestep
    REQUIRE(j < other.size());
    const TraceStep& o = other[j++];
    REQUIRE(o.time_s == Approx(f.time_s).margin(1e-9));
    REQUIRE(o.vehicles.size() == f.vehicles.size());
    std::map<std::string, const VehicleSample*> by_id;
    for (const auto& v : o.vehicles)
      by_id[v.id] = &v;
    for (const auto& v : f.vehicles) {
      std::string id = v.id;
      if (ns2_ids) {
        auto it = id_map.find(v.id);
        if (it == id_map.end())
          it = id_map.emplace(v.id, std::to_string(id_map.size())).first;
        id = it->second;
      }
      auto it = by_id.find(id);
      REQUIRE(it != by_id.end());
      const VehicleSample& w = *it->second;
      // Both files print two decimals (ns-2 through Python's str, which drops trailing zeros).
      CHECK(w.x_m == Approx(v.x_m).margin(0.005));
      CHECK(w.y_m == Approx(v.y_m).margin(0.005));
      CHECK(w.speed_mps == Approx(v.speed_mps).margin(0.005));
      if (!ns2_ids) {
        CHECK(w.angle_deg == Approx(v.angle_deg).margin(0.005));
        CHECK(w.type == v.type);
      } else {
        CHECK_FALSE(w.has_angle);
      }
    }
  }
  CHECK(j == other.size());
}

} // namespace

TEST_CASE("FCD, CSV (xml2csv) and ns-2 (traceExporter) excerpts give the same vehicles and positions", "[trace]")
{
  auto fcd = read_all(kTraces + "bologna_60s.fcd.xml.gz");
  auto csv = read_all(kTraces + "bologna_60s.fcd.csv.gz");
  auto ns2 = read_all(kTraces + "bologna_60s.ns2mobility.tcl.gz");
  CHECK(open_trace(kTraces + "bologna_60s.fcd.csv.gz")->format_name() == std::string("CSV"));
  CHECK(open_trace(kTraces + "bologna_60s.ns2mobility.tcl.gz")->format_name() == std::string("ns-2 mobility"));
  check_same_trace(fcd, csv, false);
  check_same_trace(fcd, ns2, true);
}

TEST_CASE("the full shared Bologna trace in its three formats", "[trace][shared]")
{
  // CI has the shared data beside the repository; skip when it is absent.
  std::string dir;
  for (const std::string& d : {std::string("/work/shared/data/"), std::string(V2X_TEST_DATA) + "/../../../shared/data/"})
    if (fs::exists(d + "bologna_pasubio_small.fcd.xy.xml.gz")) {
      dir = d;
      break;
    }
  if (dir.empty())
    V2X_SKIP("shared data not found (../shared/data beside the repository, or /work/shared/data)");
  auto fcd = read_all(dir + "bologna_pasubio_small.fcd.xy.xml.gz");
  // README of the shared data: t = 600..1199 s at 1 s, 201 vehicles, 37,206 rows, at most 82 at once.
  REQUIRE(fcd.size() == 600);
  CHECK(fcd.front().time_s == 600.0);
  CHECK(fcd.back().time_s == 1199.0);
  CHECK(rows(fcd) == 37206);
  std::map<std::string, int> ids;
  std::size_t most = 0;
  for (const auto& s : fcd) {
    most = std::max(most, s.vehicles.size());
    for (const auto& v : s.vehicles)
      ++ids[v.id];
  }
  CHECK(ids.size() == 201);
  CHECK(most == 82);
  check_same_trace(fcd, read_all(dir + "bologna_pasubio_small.fcd.xy.csv.gz"), false);
  check_same_trace(fcd, read_all(dir + "bologna_pasubio_small.ns2mobility.tcl.gz"), true);
}

// Geographic traces (SUMO geo output, lon/lat attributes and columns) and their projection: test_projection.cpp.

TEST_CASE("plain CSV form: time,id,x,y[,speed,angle], comma or semicolon, empty xml2csv timesteps", "[trace]")
{
  TempDir tmp;
  auto a = tmp.write("a.csv", "time,id,x,y,speed,angle\n2.1,1702,10370.10,2233.67,0.000,176.62\n"
                              "2.1,1708,7473.22,4967.46,0.000,289.17\n3.1,1702,10369.20,2234.57,2.343,186.69\n");
  auto s = read_all(a);
  REQUIRE(s.size() == 2);
  CHECK(s[0].vehicles.size() == 2);
  CHECK(s[1].vehicles.at(0).speed_mps == 2.343);
  CHECK(s[1].vehicles.at(0).angle_deg == 186.69);
  // No speed/angle columns: flagged for the tracker to derive.
  auto b = tmp.write("b.csv", "id;time;y;x\nv1;0;5;7\nv1;1;6;8\n");
  s = read_all(b);
  REQUIRE(s.size() == 2);
  CHECK(s[0].vehicles[0].x_m == 7.0);
  CHECK(s[0].vehicles[0].y_m == 5.0);
  CHECK_FALSE(s[0].vehicles[0].has_speed);
  CHECK_FALSE(s[0].vehicles[0].has_angle);
  // xml2csv writes an empty timestep as a row with only the time.
  auto c = tmp.write("c.csv", "timestep_time;vehicle_id;vehicle_x;vehicle_y\n0.00;a;1;2\n1.00;;;\n2.00;a;3;4\n");
  s = read_all(c);
  REQUIRE(s.size() == 3);
  CHECK(s[1].time_s == 1.0);
  CHECK(s[1].vehicles.empty());
}

TEST_CASE("CSV quoted fields with escaped quotes, several in one row", "[trace]")
{
  // Each "" is one quote; several such fields in a row are unescaped into separate buffers that must stay valid
  // while the row is read (tests/fuzz found views left dangling when there were more than one).
  TempDir tmp;
  std::string header = "time,id,x,y";
  std::string row = "1,\"a\"\"b\",1,2";
  for (int i = 0; i < 12; ++i) {
    header += ",c" + std::to_string(i);
    row += ",\"x\"\"" + std::to_string(i) + "\"";
  }
  header += ",type";
  row += ",\"bus \"\"B\"\"\"";
  auto s = read_all(tmp.write("quoted.csv", header + "\n" + row + "\n"));
  REQUIRE(s.size() == 1);
  REQUIRE(s[0].vehicles.size() == 1);
  CHECK(s[0].vehicles[0].id == "a\"b");
  CHECK(s[0].vehicles[0].type == "bus \"B\"");
  CHECK(s[0].vehicles[0].y_m == 2.0);
}

TEST_CASE("FCD details: empty timesteps, persons skipped, entities, comments", "[trace]")
{
  TempDir tmp;
  auto p = tmp.write("d.xml", std::string(kFcdHead) +
                                  "<!-- a comment -->\n<timestep time=\"1.00\"/>\n"
                                  "<timestep time=\"2.00\">\n  <vehicle id=\"a&amp;b\" x=\"1\" y=\"2\" angle=\"90\" "
                                  "speed=\"3\" type='car'/>\n  <person id=\"p\" x=\"0\" y=\"0\"/>\n"
                                  "</timestep>\n</fcd-export>\n");
  auto s = read_all(p);
  REQUIRE(s.size() == 2);
  CHECK(s[0].vehicles.empty());
  REQUIRE(s[1].vehicles.size() == 1);
  CHECK(s[1].vehicles[0].id == "a&b");
  CHECK(s[1].vehicles[0].type == "car");
  CHECK(s[1].vehicles[0].speed_mps == 3.0);
}

TEST_CASE("bad traces are InputErrors naming the file, the line and the problem", "[trace][errors]")
{
  TempDir tmp;
  struct Case {
    const char* name;
    std::string content;
    int line;              // expected line (0: not checked)
    const char* contains;  // part of the message
  };
  const std::string h = kFcdHead;  // lines 1-2
  std::vector<Case> cases = {
      {"unclosed.xml", h + "<timestep time=\"1\">\n<vehicle id=\"a\" x=\"1\" y=\"2\"\n", 4, "end of file"},
      {"unquoted.xml", h + "<timestep time=\"1\">\n<vehicle id=a x=\"1\" y=\"2\"/>\n</timestep></fcd-export>", 4,
       "not quoted"},
      {"mismatch.xml", h + "<timestep time=\"1\">\n</vehicle>\n</fcd-export>", 4, "does not match"},
      {"no_root_end.xml", h + "<timestep time=\"1\"/>\n", 0, "not closed"},
      {"order.xml", h + "<timestep time=\"2\"/>\n<timestep time=\"1\"/>\n</fcd-export>", 4, "strictly increase"},
      {"equal.xml", h + "<timestep time=\"2\"/>\n<timestep time=\"2\"/>\n</fcd-export>", 4, "strictly increase"},
      {"no_x.xml", h + "<timestep time=\"1\">\n<vehicle id=\"a\" y=\"2\"/>\n</timestep></fcd-export>", 4,
       "without a x"},
      {"no_id.xml", h + "<timestep time=\"1\">\n<vehicle x=\"1\" y=\"2\"/>\n</timestep></fcd-export>", 4, "id"},
      {"no_time.xml", h + "<timestep>\n</timestep></fcd-export>", 3, "time"},
      {"text_x.xml", h + "<timestep time=\"1\">\n<vehicle id=\"a\" x=\"abc\" y=\"2\"/>\n</timestep></fcd-export>", 4,
       "not a finite number"},
      {"nan.xml", h + "<timestep time=\"1\">\n<vehicle id=\"a\" x=\"nan\" y=\"2\"/>\n</timestep></fcd-export>", 4,
       "not a finite number"},
      {"inf.xml", h + "<timestep time=\"1\">\n<vehicle id=\"a\" x=\"1\" y=\"-inf\"/>\n</timestep></fcd-export>", 4,
       "not a finite number"},
      {"twice.xml",
       h + "<timestep time=\"1\">\n<vehicle id=\"a\" x=\"1\" y=\"2\"/>\n<vehicle id=\"a\" x=\"1\" y=\"2\"/>\n"
           "</timestep></fcd-export>",
       5, "twice"},
      {"dup_attr.xml", h + "<timestep time=\"1\">\n<vehicle id=\"a\" x=\"1\" x=\"1\" y=\"2\"/>\n</timestep></fcd-export>",
       4, "repeated"},
      {"entity.xml", h + "<timestep time=\"1\">\n<vehicle id=\"a&foo;\" x=\"1\" y=\"2\"/>\n</timestep></fcd-export>",
       4, "entity"},
      {"wrong_root.xml", "<?xml version=\"1.0\"?>\n<routes>\n</routes>\n", 2, "fcd-export"},
      {"empty.xml", "", 1, "empty"},
      {"blank.csv", "  \n\n \n", 0, "empty"},
      {"unknown.txt", "hello world\nthis is not a trace\n", 1, "unknown trace format"},
      {"csv_cols.csv", "a,b,c\n1,2,3\n", 1, "no column"},
      {"csv_order.csv", "time,id,x,y\n2,a,1,1\n1,a,1,1\n", 3, "backwards"},
      {"csv_twice.csv", "time,id,x,y\n1,a,1,1\n1,a,2,2\n", 3, "twice"},
      {"csv_text.csv", "time,id,x,y\n1,a,one,1\n", 2, "not a finite number"},
      {"csv_missing.csv", "time,id,x,y\n1,a,,1\n", 2, "missing value"},
      {"csv_short.csv", "time,id,x,y\n1,a,1\n", 2, "fields"},
      {"ns2_bad.tcl", "$node_(0) set X_ 1\n$ns_ at 1.0 \"$node_(0) goto 1 2 3\"\n", 2, "setdest"},
      {"ns2_order.tcl", "$ns_ at 2.0 \"$node_(0) setdest 1 2 3\"\n$ns_ at 1.0 \"$node_(0) setdest 1 2 3\"\n", 2,
       "backwards"},
      {"ns2_twice.tcl", "$ns_ at 1.0 \"$node_(0) setdest 1 2 3\"\n$ns_ at 1.0 \"$node_(0) setdest 1 2 3\"\n", 2,
       "two setdest"},
      {"ns2_nan.tcl", "$ns_ at 1.0 \"$node_(0) setdest nan 2 3\"\n", 1, "not a finite number"},
      {"ns2_other.tcl", "$god_ set-dist 1 2 3\n", 1, "unsupported"},
      // Further items of the list, in every format: non-numeric, NaN or infinite values and times,
      // missing values, elements out of place, binary and unsupported-compression files (wrong format).
      {"time_text.xml", h + "<timestep time=\"abc\">\n</timestep></fcd-export>", 3, "not a finite number"},
      {"time_nan.xml", h + "<timestep time=\"NaN\">\n</timestep></fcd-export>", 3, "not a finite number"},
      {"no_y.xml", h + "<timestep time=\"1\">\n<vehicle id=\"a\" x=\"1\"/>\n</timestep></fcd-export>", 4,
       "without a y"},
      {"speed_text.xml",
       h + "<timestep time=\"1\">\n<vehicle id=\"a\" x=\"1\" y=\"2\" speed=\"fast\"/>\n</timestep></fcd-export>", 4,
       "not a finite number"},
      {"outside.xml", h + "<timestep time=\"1\"/>\n<vehicle id=\"a\" x=\"1\" y=\"2\"/>\n</fcd-export>", 4,
       "outside a <timestep>"},
      {"nested.xml", h + "<timestep time=\"1\">\n<timestep time=\"2\">\n</timestep></timestep></fcd-export>", 4,
       "inside another"},
      {"text.xml", h + "<timestep time=\"1\">hello</timestep></fcd-export>", 3, "unexpected text"},
      {"csv_nan.csv", "time,id,x,y\n1,a,nan,1\n", 2, "not a finite number"},
      {"csv_inf.csv", "time,id,x,y,speed\n1,a,1,1,inf\n", 2, "not a finite number"},
      {"csv_time.csv", "time,id,x,y\nnoon,a,1,1\n", 2, "not a finite number"},
      {"csv_no_id.csv", "time,id,x,y\n1,,1,1\n", 2, "no vehicle id"},
      {"csv_quote.csv", "time,id,x,y\n1,\"a,1,1\n", 2, "unterminated quoted field"},
      {"ns2_inf.tcl", "$ns_ at 1.0 \"$node_(0) setdest 1 inf 3\"\n", 1, "not a finite number"},
      {"ns2_time.tcl", "$ns_ at soon \"$node_(0) setdest 1 2 3\"\n", 1, "not a finite number"},
      {"ns2_short.tcl", "$ns_ at 1.0 \"$node_(0) setdest 1 2\"\n", 1, "missing value"},
      {"ns2_set.tcl", "$node_(0) set X_ abc\n", 1, "not a finite number"},
      {"binary.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), 1, "unknown trace format"},
      // The smallest gzip member and an xz stream of nothing: compressed, but empty.
      {"empty.xml.gz", std::string("\x1f\x8b\x08\0\0\0\0\0\0\x03\x03\0\0\0\0\0\0\0\0\0", 20), 1, "empty"},
      {"bzip2.xml.bz2", "BZh91AY&SY", 0, "unsupported compression"},
      {"zstd.xml.zst", std::string("\x28\xb5\x2f\xfd\0", 5), 0, "unsupported compression"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::string path = tmp.write(c.name, c.content);
    InputError e = expect_input_error(path);
    std::string msg = e.what();
    INFO(msg);
    CHECK(e.where().file == path);
    CHECK(msg.find(path) == 0);
    if (c.line > 0)
      CHECK(e.where().line == c.line);
    else if (std::string(c.contains) != "unsupported compression")  // found from the magic bytes: no line
      CHECK(e.where().line > 0);
    CHECK(msg.find(c.contains) != std::string::npos);
  }
}

TEST_CASE("truncated and corrupt compressed traces are InputErrors", "[trace][errors]")
{
  TempDir tmp;
  for (const char* name : {"bologna_60s.fcd.xml.gz", "bologna_60s.fcd.xml.xz"}) {
    INFO(name);
    std::string bytes = read_file(kTraces + name);
    REQUIRE(bytes.size() > 1000);
    std::string cut = tmp.write(std::string("cut_") + name, bytes.substr(0, bytes.size() / 2));
    InputError e = expect_input_error(cut);
    std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find("truncated") != std::string::npos);
    CHECK(e.where().line > 1);  // the line reached in the decompressed text
    std::string bad = bytes;
    for (std::size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i)
      bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    std::string corrupt = tmp.write(std::string("bad_") + name, bad);
    CHECK_THROWS_AS(read_all(corrupt), InputError);
  }
  CHECK_THROWS_AS(open_trace(tmp.dir.string() + "/does_not_exist.xml"), InputError);
}

TEST_CASE("an explicit format is used even when the content says otherwise", "[trace]")
{
  // The CSV reader on an FCD file finds no CSV header naming a time column.
  InputError e = expect_input_error(kTraces + "bologna_10s.fcd.xml", TraceFormat::Csv);
  CHECK(std::string(e.what()).find("no column") != std::string::npos);
  CHECK(open_trace(kTraces + "bologna_10s.fcd.xml", TraceFormat::SumoFcd)->format_name() ==
        std::string("SUMO FCD XML"));
}

TEST_CASE("a gzip file of several members (concatenated .gz) is read whole", "[trace]")
{
  TempDir tmp;
  auto gz = [](const std::string& s) {
    uLongf n = compressBound(s.size()) + 64;
    std::string out(n, '\0');
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    z.avail_in = static_cast<uInt>(s.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
  };
  auto p = tmp.write("two.csv.gz", gz("time,id,x,y\n0,a,1,2\n") + gz("1,a,3,4\n"));
  auto s = read_all(p);
  REQUIRE(s.size() == 2);
  CHECK(s[1].vehicles.at(0).x_m == 3.0);
}
