// The HDF5 writer: files are read back with the HDF5 C API using read types built here, independently of the
// writer's own tables (member names, enum names and offsets are spelled out again below), so a wrong name, a
// wrong enum value or a lost column shows up as a failed read or a changed value.
#include "metrics/hdf5_schema.hpp"
#include "core/error.hpp"
#include "metrics/hdf5_writer.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <hdf5.h>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using namespace v2x;

namespace {

/// A fresh directory under the system temp dir, removed with its contents at the end of the test.
class TempDir {
public:
  TempDir()
  {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("v2x-hdf5-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir()
  {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  fs::path path_;
};

/// Closes an HDF5 id at scope exit.
struct Id {
  hid_t id;
  herr_t (*closer)(hid_t);
  ~Id()
  {
    if (id >= 0)
      closer(id);
  }
};

const double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Rows are built from memory filled with a pattern, so that struct padding holds different garbage in
/// different calls: the writer must not let padding bytes reach the file.
template <class Row> Row patterned(unsigned char pattern)
{
  Row row;
  std::memset(static_cast<void*>(&row), pattern, sizeof(Row));
  return row;
}

struct Rows {
  std::vector<SiteRecord> sites;
  std::vector<RsuRecord> rsus;
  std::vector<BrokerRecord> brokers;
  std::vector<MessageRecord> messages;
  std::vector<HandoverRecord> handovers;
  std::vector<MigrationRecord> migrations;
  std::vector<PhaseRecord> phases;
  std::vector<StationRecord> stations;
  std::vector<TwinSample> twins;
  std::vector<MecSample> mecs;
  std::vector<ChannelSample> channels;
  std::vector<ContinuityRecord> continuity;
  Summary summary;
};

Rows sample_rows(unsigned char pattern)
{
  Rows r;
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto s = patterned<SiteRecord>(pattern);
    s.site = i;
    s.name = fixed_name(i == 2 ? "cloud" : "mec-" + std::to_string(i));
    s.is_cloud = i == 2;
    s.x = 100.5 * i;
    s.y = -3.25 * i;
    s.cores = 16 + i;
    s.memory_mb = 32768.0 + i;
    s.pod_slots = 100 + i;
    r.sites.push_back(s);
  }
  for (std::uint32_t i = 0; i < 2; ++i) {
    auto s = patterned<RsuRecord>(pattern);
    s.rsu = i;
    s.name = fixed_name("rsu-" + std::to_string(i));
    s.x = 10.0 + i;
    s.y = 20.0 + i;
    s.radius = 300;
    s.site = i;
    s.broker = 0;
    r.rsus.push_back(s);
  }
  {
    auto b = patterned<BrokerRecord>(pattern);
    b.broker = 0;
    b.name = fixed_name("broker-0");
    b.site = 0;
    r.brokers.push_back(b);
  }
  const MessageOutcome outcomes[] = {MessageOutcome::Delivered, MessageOutcome::Lost, MessageOutcome::Dropped,
                                     MessageOutcome::NotSent};
  const MessageCause causes[] = {MessageCause::Ok, MessageCause::Radio, MessageCause::QueueFull,
                                 MessageCause::NoCoverage};
  for (std::uint32_t i = 0; i < 4; ++i) {
    auto m = patterned<MessageRecord>(pattern);
    m.station = 7;
    m.seq = i;
    m.rsu = i == 3 ? kNone : 1;
    m.broker = i == 3 ? kNone : 0;
    m.site = i == 0 ? 1 : kNone;
    m.size_b = 200 + i;
    m.created = 0.1 * i;
    m.at_rsu = i == 3 ? kNaN : 0.1 * i + 0.001;
    m.at_broker = i == 3 ? kNaN : 0.1 * i + 0.002;
    m.at_twin = i == 0 ? 0.003 : kNaN;
    m.processed = i == 0 ? 0.004 : kNaN;
    m.outcome = outcomes[i];
    m.cause = causes[i];
    m.warmup = static_cast<std::uint8_t>(i % 2);
    r.messages.push_back(m);
  }
  {
    auto h = patterned<HandoverRecord>(pattern);
    h.time = 1.5;
    h.station = 7;
    h.from_rsu = kNone;
    h.to_rsu = 0;
    h.x = 12.5;
    h.y = -1;
    r.handovers.push_back(h);
    h.time = 9.25;
    h.from_rsu = 0;
    h.to_rsu = 1;
    r.handovers.push_back(h);
  }
  {
    auto m = patterned<MigrationRecord>(pattern);
    m.id = 0;
    m.station = 7;
    m.from_site = kNone;
    m.to_site = 0;
    m.reason = MigrationReason::Initial;
    m.trigger = MigrationTrigger::Appear;
    m.outcome = MigrationOutcome::Completed;
    m.mechanism = fixed_name("stateless-restart");
    m.policy = fixed_name("nearest");
    m.note = fixed_name("");
    m.requested = 0;
    m.finished = 4.5;
    m.downtime = 4.5;
    m.bytes = 1.5e8;
    r.migrations.push_back(m);
    m.id = 1;
    m.from_site = 0;
    m.to_site = 1;
    m.reason = MigrationReason::Manual;
    m.trigger = MigrationTrigger::Api;
    m.outcome = MigrationOutcome::Rejected;
    m.note = fixed_name("no capacity at mec-1");
    m.requested = 10;
    m.finished = 10;
    m.downtime = 0;
    m.bytes = 0;
    r.migrations.push_back(m);
  }
  {
    auto p = patterned<PhaseRecord>(pattern);
    p.migration = 0;
    p.phase = fixed_name("instantiate.image_pull");
    p.site = 0;
    p.start = 0.5;
    p.end = 3.5;
    p.bytes = 1.5e8;
    r.phases.push_back(p);
  }
  {
    auto s = patterned<StationRecord>(pattern);
    s.station = 0;
    s.name = fixed_name("rsu-0");
    s.kind = StationKind::Rsu;
    s.appeared = 0;
    r.stations.push_back(s);
    s.station = 7;
    s.name = fixed_name("veh.12");
    s.kind = StationKind::Vehicle;
    s.appeared = 0.75;
    r.stations.push_back(s);
  }
  {
    auto t = patterned<TwinSample>(pattern);
    t.time = 1;
    t.station = 7;
    t.site = kNone;
    t.state = TwinState::Starting;
    t.age_of_information = kNaN;
    r.twins.push_back(t);
    t.time = 2;
    t.site = 0;
    t.state = TwinState::Serving;
    t.age_of_information = 0.0125;
    r.twins.push_back(t);
  }
  {
    auto m = patterned<MecSample>(pattern);
    m.time = 1;
    m.site = 0;
    m.cpu_reserved_cores = 0.5;
    m.memory_reserved_mb = 256;
    m.pods = 1;
    m.ops_in_flight = 1;
    m.cpu_busy = 0.03125;
    m.energy_j = 1234.5;
    r.mecs.push_back(m);
  }
  {
    auto c = patterned<ContinuityRecord>(pattern);
    c.migration = 3;
    c.station = 0;
    c.state_carried = 0;
    c.served = 12.5;
    c.state_age_s = std::numeric_limits<double>::quiet_NaN();
    c.rebuild_s = 10.25;
    c.duplicates = 4;
    c.cloud_age_s = 1.5;
    r.continuity.push_back(c);
  }
  for (std::uint32_t i = 0; i < 2; ++i) {
    auto c = patterned<ChannelSample>(pattern);
    c.time = 1;
    c.rsu = i;
    c.busy = 0.0625 * (i + 1);
    c.frames = 10 + i;
    c.attempts = 12 + i;
    c.retries = 2;
    c.failures = i;
    c.collisions = 1;
    c.contending = 3 - i;
    r.channels.push_back(c);
  }
  r.summary.vehicles = 1;
  r.summary.rsus = 2;
  r.summary.messages_created = 4;
  r.summary.messages_delivered = 1;
  r.summary.latency_p50_s = 0.004;
  r.summary.cause_radio = 1;
  r.summary.cause_queue_full = 1;
  r.summary.cause_no_coverage = 1;
  r.summary.vehicle_messages = 4;
  r.summary.aoi_mean_s = 0.0625;
  r.summary.aoi_p95_s = 0.125;
  r.summary.downtime_total_s = 4.5;
  r.summary.simulated_s = 10;
  r.summary.peak_rss_kb = 123456;
  return r;
}

RunMetadata sample_metadata()
{
  RunMetadata meta;
  meta.simulator_version = "0.1.0";
  meta.command_line = "v2xsim run scenarios/tiny/one.textproto --seed 42";
  meta.scenario_name = "one";
  meta.scenario_text = std::string("name: \"one\"\n") + std::string(70000, '#'); // > 64 kB: dense attribute storage
  meta.seed = 42;
  meta.policy = "nearest";
  meta.mechanism = "stateless-restart";
  return meta;
}

void write_file(const std::string& path, const Rows& r, std::uint32_t chunk_rows, std::uint32_t compression)
{
  Hdf5Writer w(path, sample_metadata(), chunk_rows, compression);
  w.write_sites(r.sites);
  w.write_rsus(r.rsus);
  w.write_brokers(r.brokers);
  w.append(std::span<const StationRecord>(r.stations));
  // Messages in two calls: the second extends the dataset.
  w.append(std::span<const MessageRecord>(r.messages).first(1));
  w.append(std::span<const MessageRecord>(r.messages).subspan(1));
  w.append(std::span<const HandoverRecord>(r.handovers));
  w.append(std::span<const MigrationRecord>(r.migrations));
  w.append(std::span<const PhaseRecord>(r.phases));
  w.append(std::span<const TwinSample>(r.twins));
  w.append(std::span<const MecSample>(r.mecs));
  w.append(std::span<const ChannelSample>(r.channels));
  w.append(std::span<const ContinuityRecord>(r.continuity));
  w.write_summary(r.summary);
  w.commit();
}

// ---- read types built by the test ----

hid_t enum_type(std::initializer_list<const char*> names)
{
  const hid_t t = H5Tenum_create(H5T_NATIVE_UINT8);
  std::uint8_t value = 0;
  for (const char* name : names) {
    H5Tenum_insert(t, name, &value);
    ++value;
  }
  return t;
}

hid_t name_type()
{
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, 32);
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  H5Tset_cset(t, H5T_CSET_UTF8); // HDF5 does not convert between ASCII and UTF-8 strings
  return t;
}

struct ReadColumn {
  const char* name;
  std::size_t offset;
  hid_t type; // owned when `owned`
  bool owned = false;
};

ReadColumn u8(const char* n, std::size_t o)
{
  return {n, o, H5T_NATIVE_UINT8};
}
ReadColumn u32(const char* n, std::size_t o)
{
  return {n, o, H5T_NATIVE_UINT32};
}
ReadColumn f64(const char* n, std::size_t o)
{
  return {n, o, H5T_NATIVE_DOUBLE};
}
ReadColumn str(const char* n, std::size_t o)
{
  return {n, o, name_type(), true};
}
ReadColumn enm(const char* n, std::size_t o, std::initializer_list<const char*> names)
{
  return {n, o, enum_type(names), true};
}

/// Reads the whole dataset `path` with a memory type made of `cols`, and checks that the file type has
/// exactly these members (no column more, none less).
template <class Row> std::vector<Row> read_table(hid_t file, const char* path, std::vector<ReadColumn> cols)
{
  Id dset{H5Dopen2(file, path, H5P_DEFAULT), H5Dclose};
  REQUIRE(dset.id >= 0);
  Id ftype{H5Dget_type(dset.id), H5Tclose};
  CHECK(H5Tget_nmembers(ftype.id) == static_cast<int>(cols.size()));
  Id mtype{H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose};
  for (const auto& c : cols)
    REQUIRE(H5Tinsert(mtype.id, c.name, c.offset, c.type) >= 0);
  Id space{H5Dget_space(dset.id), H5Sclose};
  const auto n = H5Sget_simple_extent_npoints(space.id);
  std::vector<Row> rows(static_cast<std::size_t>(n));
  if (n > 0)
    REQUIRE(H5Dread(dset.id, mtype.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
  for (const auto& c : cols)
    if (c.owned)
      H5Tclose(c.type);
  return rows;
}

/// Byte-compares the named member ranges of two rows (so NaN compares equal to NaN and padding is ignored).
template <class Row> void check_same(const std::vector<Row>& got, const std::vector<Row>& want)
{
  REQUIRE(got.size() == want.size());
  const TableSpec& spec = table_spec<Row>();
  for (std::size_t i = 0; i < want.size(); ++i) {
    for (const Column& col : spec.columns) {
      std::size_t size = 1; // uint8, bool and the enums
      if (col.type == ColumnType::U32)
        size = 4;
      else if (col.type == ColumnType::F64)
        size = 8;
      else if (col.type == ColumnType::Name)
        size = sizeof(FixedName);
      INFO(spec.path << " row " << i << " column " << col.name);
      CHECK(std::memcmp(reinterpret_cast<const char*>(&got[i]) + col.offset,
                        reinterpret_cast<const char*>(&want[i]) + col.offset, size) == 0);
    }
  }
}

std::string read_string_attribute(hid_t loc, const char* name)
{
  Id attr{H5Aopen(loc, name, H5P_DEFAULT), H5Aclose};
  REQUIRE(attr.id >= 0);
  Id type{H5Aget_type(attr.id), H5Tclose};
  REQUIRE(H5Tis_variable_str(type.id) > 0);
  Id mem{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(mem.id, H5T_VARIABLE);
  H5Tset_cset(mem.id, H5T_CSET_UTF8);
  char* text = nullptr;
  REQUIRE(H5Aread(attr.id, mem.id, &text) >= 0);
  std::string value = text;
  H5free_memory(text);
  return value;
}

template <class T> T read_scalar_attribute(hid_t loc, const char* name, hid_t mem_type)
{
  Id attr{H5Aopen(loc, name, H5P_DEFAULT), H5Aclose};
  REQUIRE(attr.id >= 0);
  T value{};
  REQUIRE(H5Aread(attr.id, mem_type, &value) >= 0);
  return value;
}

std::string file_bytes(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// How SCHEMA.md spells a column type, e.g. "enum(vehicle, rsu)".
std::string type_text(ColumnType t)
{
  switch (t) {
  case ColumnType::U8:
    return "uint8";
  case ColumnType::Bool:
    return "bool";
  case ColumnType::U32:
    return "uint32";
  case ColumnType::F64:
    return "float64";
  case ColumnType::Name:
    return "string[32]";
  default: {
    std::string text = "enum(";
    for (const char* name : enum_names(t))
      text += std::string(text.size() > 5 ? ", " : "") + name;
    return text + ")";
  }
  }
}

} // namespace

TEST_CASE("fixed_name pads with NULs and keeps at most 31 bytes", "[hdf5]")
{
  const FixedName n = fixed_name("abc");
  CHECK(std::string(n.data()) == "abc");
  CHECK(n[3] == '\0');
  CHECK(n[31] == '\0');
  const FixedName long_name = fixed_name(std::string(40, 'x'));
  CHECK(std::string(long_name.data()) == std::string(31, 'x'));
  // 30 ASCII bytes then a 2-byte UTF-8 character ("é" = C3 A9) then more: the character would be cut in
  // half at byte 31, so it is left out whole.
  const FixedName cut = fixed_name(std::string(30, 'a') + "\xC3\xA9" + "zz");
  CHECK(std::string(cut.data()) == std::string(30, 'a'));
}

TEST_CASE("the writer writes every dataset and the reader gets the same values back", "[hdf5]")
{
  TempDir dir;
  const std::string path = dir.file("run.h5");
  const Rows rows = sample_rows(0xAB);
  write_file(path, rows, 2, 4);
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".partial"));

  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  REQUIRE(file.id >= 0);

  SECTION("root attributes")
  {
    CHECK(read_scalar_attribute<std::int32_t>(file.id, "schema_version", H5T_NATIVE_INT32) == kSchemaVersion);
    CHECK(read_scalar_attribute<std::uint64_t>(file.id, "seed", H5T_NATIVE_UINT64) == 42);
    const RunMetadata meta = sample_metadata();
    CHECK(read_string_attribute(file.id, "simulator_version") == meta.simulator_version);
    CHECK(read_string_attribute(file.id, "command_line") == meta.command_line);
    CHECK(read_string_attribute(file.id, "scenario_name") == meta.scenario_name);
    CHECK(read_string_attribute(file.id, "scenario_text") == meta.scenario_text);
    CHECK(read_string_attribute(file.id, "policy") == meta.policy);
    CHECK(read_string_attribute(file.id, "mechanism") == meta.mechanism);
    CHECK(H5Aexists(file.id, "created_utc") == 0);
  }

  SECTION("tables")
  {
    using S = SiteRecord;
    check_same(read_table<S>(file.id, "/infrastructure/sites",
                             {u32("site", HOFFSET(S, site)), str("name", HOFFSET(S, name)),
                              u8("is_cloud", HOFFSET(S, is_cloud)), f64("x", HOFFSET(S, x)), f64("y", HOFFSET(S, y)),
                              u32("cores", HOFFSET(S, cores)), f64("memory_mb", HOFFSET(S, memory_mb)),
                              u32("pod_slots", HOFFSET(S, pod_slots))}),
               rows.sites);
    using R = RsuRecord;
    check_same(read_table<R>(file.id, "/infrastructure/rsus",
                             {u32("rsu", HOFFSET(R, rsu)), str("name", HOFFSET(R, name)), f64("x", HOFFSET(R, x)),
                              f64("y", HOFFSET(R, y)), f64("radius", HOFFSET(R, radius)), u32("site", HOFFSET(R, site)),
                              u32("broker", HOFFSET(R, broker))}),
               rows.rsus);
    using B = BrokerRecord;
    check_same(read_table<B>(
                   file.id, "/infrastructure/brokers",
                   {u32("broker", HOFFSET(B, broker)), str("name", HOFFSET(B, name)), u32("site", HOFFSET(B, site))}),
               rows.brokers);
    using M = MessageRecord;
    check_same(
        read_table<M>(file.id, "/messages",
                      {u32("station", HOFFSET(M, station)), u32("seq", HOFFSET(M, seq)), u32("rsu", HOFFSET(M, rsu)),
                       u32("broker", HOFFSET(M, broker)), u32("site", HOFFSET(M, site)),
                       u32("size_b", HOFFSET(M, size_b)), f64("created", HOFFSET(M, created)),
                       f64("at_rsu", HOFFSET(M, at_rsu)), f64("at_broker", HOFFSET(M, at_broker)),
                       f64("at_twin", HOFFSET(M, at_twin)), f64("processed", HOFFSET(M, processed)),
                       enm("outcome", HOFFSET(M, outcome), {"delivered", "lost", "dropped", "not_sent"}),
                       enm("cause", HOFFSET(M, cause),
                           {"ok", "no_coverage", "radio", "superseded", "no_twin_yet", "migration", "capacity",
                            "fault", "queue_full", "session_dropped", "in_flight"}),
                       u8("warmup", HOFFSET(M, warmup))}),
        rows.messages);
    using H = HandoverRecord;
    check_same(read_table<H>(file.id, "/handovers",
                             {f64("time", HOFFSET(H, time)), u32("station", HOFFSET(H, station)),
                              u32("from_rsu", HOFFSET(H, from_rsu)), u32("to_rsu", HOFFSET(H, to_rsu)),
                              f64("x", HOFFSET(H, x)), f64("y", HOFFSET(H, y))}),
               rows.handovers);
    using G = MigrationRecord;
    check_same(read_table<G>(file.id, "/migrations",
                             {u32("id", HOFFSET(G, id)), u32("station", HOFFSET(G, station)),
                              u32("from_site", HOFFSET(G, from_site)), u32("to_site", HOFFSET(G, to_site)),
                              enm("reason", HOFFSET(G, reason), {"initial", "policy", "manual", "removal", "recovery"}),
                              enm("trigger", HOFFSET(G, trigger), {"appear", "handover", "tick", "api", "leave", "fault"}),
                              enm("outcome", HOFFSET(G, outcome), {"completed", "rejected", "unfinished", "failed"}),
                              str("mechanism", HOFFSET(G, mechanism)), str("policy", HOFFSET(G, policy)),
                              str("note", HOFFSET(G, note)), f64("requested", HOFFSET(G, requested)),
                              f64("finished", HOFFSET(G, finished)), f64("downtime", HOFFSET(G, downtime)),
                              f64("bytes", HOFFSET(G, bytes))}),
               rows.migrations);
    using P = PhaseRecord;
    check_same(read_table<P>(file.id, "/migration_phases",
                             {u32("migration", HOFFSET(P, migration)), str("phase", HOFFSET(P, phase)),
                              u32("site", HOFFSET(P, site)), f64("start", HOFFSET(P, start)),
                              f64("end", HOFFSET(P, end)), f64("bytes", HOFFSET(P, bytes))}),
               rows.phases);
    using T = StationRecord;
    check_same(
        read_table<T>(file.id, "/stations",
                      {u32("station", HOFFSET(T, station)), str("name", HOFFSET(T, name)),
                       enm("kind", HOFFSET(T, kind), {"vehicle", "rsu"}), f64("appeared", HOFFSET(T, appeared))}),
        rows.stations);
    using W = TwinSample;
    check_same(read_table<W>(
                   file.id, "/twins",
                   {f64("time", HOFFSET(W, time)), u32("station", HOFFSET(W, station)), u32("site", HOFFSET(W, site)),
                    enm("state", HOFFSET(W, state), {"absent", "starting", "serving", "migrating", "stopping"}),
                    f64("age_of_information", HOFFSET(W, age_of_information))}),
               rows.twins);
    using C = MecSample;
    check_same(read_table<C>(file.id, "/mecs",
                             {f64("time", HOFFSET(C, time)), u32("site", HOFFSET(C, site)),
                              f64("cpu_reserved_cores", HOFFSET(C, cpu_reserved_cores)),
                              f64("memory_reserved_mb", HOFFSET(C, memory_reserved_mb)), u32("pods", HOFFSET(C, pods)),
                              u32("ops_in_flight", HOFFSET(C, ops_in_flight)), f64("cpu_busy", HOFFSET(C, cpu_busy)),
                              f64("energy_j", HOFFSET(C, energy_j))}),
               rows.mecs);
    using Q = ContinuityRecord;
    check_same(read_table<Q>(file.id, "/continuity",
                             {u32("migration", HOFFSET(Q, migration)), u32("station", HOFFSET(Q, station)),
                              u8("state_carried", HOFFSET(Q, state_carried)), f64("served", HOFFSET(Q, served)),
                              f64("state_age_s", HOFFSET(Q, state_age_s)), f64("rebuild_s", HOFFSET(Q, rebuild_s)),
                              u32("duplicates", HOFFSET(Q, duplicates)), f64("cloud_age_s", HOFFSET(Q, cloud_age_s))}),
               rows.continuity);
    using K = ChannelSample;
    check_same(read_table<K>(file.id, "/channels",
                             {f64("time", HOFFSET(K, time)), u32("rsu", HOFFSET(K, rsu)), f64("busy", HOFFSET(K, busy)),
                              u32("frames", HOFFSET(K, frames)), u32("attempts", HOFFSET(K, attempts)),
                              u32("retries", HOFFSET(K, retries)), u32("failures", HOFFSET(K, failures)),
                              u32("collisions", HOFFSET(K, collisions)), u32("contending", HOFFSET(K, contending))}),
               rows.channels);
  }

  SECTION("storage: chunked, shuffle + deflate, unlimited, units and doc")
  {
    Id dset{H5Dopen2(file.id, "/messages", H5P_DEFAULT), H5Dclose};
    Id dcpl{H5Dget_create_plist(dset.id), H5Pclose};
    hsize_t chunk[1] = {0};
    REQUIRE(H5Pget_chunk(dcpl.id, 1, chunk) == 1);
    CHECK(chunk[0] == 2);
    REQUIRE(H5Pget_nfilters(dcpl.id) == 2);
    unsigned flags = 0;
    std::size_t nelmts = 1;
    unsigned level = 0;
    CHECK(H5Pget_filter2(dcpl.id, 0, &flags, &nelmts, &level, 0, nullptr, nullptr) == H5Z_FILTER_SHUFFLE);
    nelmts = 1;
    CHECK(H5Pget_filter2(dcpl.id, 1, &flags, &nelmts, &level, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE);
    CHECK(level == 4);
    Id space{H5Dget_space(dset.id), H5Sclose};
    hsize_t dims[1] = {0}, max_dims[1] = {0};
    H5Sget_simple_extent_dims(space.id, dims, max_dims);
    CHECK(dims[0] == 4);
    CHECK(max_dims[0] == H5S_UNLIMITED);
    CHECK(read_string_attribute(dset.id, "units") ==
          "station:id,seq:count,rsu:id,broker:id,site:id,size_b:B,created:s,at_rsu:s,at_broker:s,at_twin:s,"
          "processed:s,outcome:enum,cause:enum,warmup:bool");
    CHECK_FALSE(read_string_attribute(dset.id, "doc").empty());
    // Names are fixed strings of 32 NUL-padded bytes; enums carry their names.
    Id ftype{H5Dget_type(dset.id), H5Tclose};
    Id outcome{H5Tget_member_type(ftype.id, static_cast<unsigned>(H5Tget_member_index(ftype.id, "outcome"))), H5Tclose};
    REQUIRE(H5Tget_class(outcome.id) == H5T_ENUM);
    char name[32] = {};
    const std::uint8_t not_sent = 3;
    REQUIRE(H5Tenum_nameof(outcome.id, &not_sent, name, sizeof name) >= 0);
    CHECK(std::string(name) == "not_sent");
    Id cause{H5Tget_member_type(ftype.id, static_cast<unsigned>(H5Tget_member_index(ftype.id, "cause"))), H5Tclose};
    REQUIRE(H5Tget_class(cause.id) == H5T_ENUM);
    const std::uint8_t in_flight = 10;
    REQUIRE(H5Tenum_nameof(cause.id, &in_flight, name, sizeof name) >= 0);
    CHECK(std::string(name) == "in_flight");
    Id migrations{H5Dopen2(file.id, "/migrations", H5P_DEFAULT), H5Dclose};
    Id mtype{H5Dget_type(migrations.id), H5Tclose};
    Id note{H5Tget_member_type(mtype.id, static_cast<unsigned>(H5Tget_member_index(mtype.id, "note"))), H5Tclose};
    CHECK(H5Tget_class(note.id) == H5T_STRING);
    CHECK(H5Tget_size(note.id) == 32);
    CHECK(H5Tget_strpad(note.id) == H5T_STR_NULLPAD);
    // Packed: 4 uint32 + 3 enums + 3 names + 4 doubles.
    CHECK(H5Tget_size(mtype.id) == 4 * 4 + 3 + 3 * 32 + 4 * 8);
  }

  SECTION("summary attributes")
  {
    Id group{H5Gopen2(file.id, "/summary", H5P_DEFAULT), H5Gclose};
    REQUIRE(group.id >= 0);
    for (const SummaryField& f : summary_fields()) {
      INFO(f.name);
      if (f.count != nullptr)
        CHECK(read_scalar_attribute<std::uint64_t>(group.id, f.name, H5T_NATIVE_UINT64) == rows.summary.*f.count);
      else
        CHECK(read_scalar_attribute<double>(group.id, f.name, H5T_NATIVE_DOUBLE) == rows.summary.*f.value);
    }
    const std::string units = read_string_attribute(group.id, "units");
    CHECK(units.find("latency_p50_s:s") != std::string::npos);
    CHECK(units.find("peak_rss_kb:kB") != std::string::npos);
  }
}

TEST_CASE("without compression the datasets have no filter", "[hdf5]")
{
  TempDir dir;
  const std::string path = dir.file("plain.h5");
  write_file(path, sample_rows(0), 8192, 0);
  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  Id dset{H5Dopen2(file.id, "/messages", H5P_DEFAULT), H5Dclose};
  Id dcpl{H5Dget_create_plist(dset.id), H5Pclose};
  CHECK(H5Pget_nfilters(dcpl.id) == 0);
  // The small static tables get smaller chunks than the streamed ones.
  Id sites{H5Dopen2(file.id, "/infrastructure/sites", H5P_DEFAULT), H5Dclose};
  Id sites_dcpl{H5Dget_create_plist(sites.id), H5Pclose};
  hsize_t chunk[1] = {0};
  REQUIRE(H5Pget_chunk(sites_dcpl.id, 1, chunk) == 1);
  CHECK(chunk[0] == 1024);
}

TEST_CASE("a writer destroyed without commit leaves neither the file nor the .partial", "[hdf5]")
{
  TempDir dir;
  const std::string path = dir.file("aborted.h5");
  const Rows rows = sample_rows(0);
  {
    Hdf5Writer w(path, sample_metadata(), 4, 1);
    w.append(std::span<const MessageRecord>(rows.messages));
    CHECK(fs::exists(path + ".partial"));
    CHECK_FALSE(fs::exists(path));
  }
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".partial"));
}

TEST_CASE("the same rows give byte-identical files", "[hdf5]")
{
  TempDir dir;
  // Different padding garbage in the rows (0x00 vs 0xFF), same values.
  write_file(dir.file("a.h5"), sample_rows(0x00), 2, 1);
  write_file(dir.file("b.h5"), sample_rows(0xFF), 2, 1);
  const std::string a = file_bytes(dir.file("a.h5"));
  const std::string b = file_bytes(dir.file("b.h5"));
  REQUIRE(a.size() > 1000);
  CHECK(a.size() == b.size());
  CHECK(a == b);
}

TEST_CASE("writer errors are exceptions naming the path", "[hdf5]")
{
  TempDir dir;
  std::ofstream(dir.file("a-file")) << "x"; // a file where a folder of the path should be
  const std::string path = dir.file("a-file/dir/run.h5");
  try {
    Hdf5Writer w(path, sample_metadata(), 16, 1);
    FAIL("no exception");
  } catch (const v2x::IoError& e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
  CHECK_THROWS_AS(Hdf5Writer(dir.file("x.h5"), sample_metadata(), 0, 1), std::invalid_argument);
  CHECK_THROWS_AS(Hdf5Writer(dir.file("y.h5"), sample_metadata(), 16, 10), std::invalid_argument);
}

TEST_CASE("commit is final: writing afterwards is a logic error", "[hdf5]")
{
  TempDir dir;
  const std::string path = dir.file("done.h5");
  const Rows rows = sample_rows(0);
  Hdf5Writer w(path, sample_metadata(), 16, 1);
  w.write_sites(rows.sites);
  CHECK_THROWS_AS(w.write_sites(rows.sites), std::logic_error);
  w.commit();
  CHECK(fs::exists(path));
  CHECK_THROWS_AS(w.append(std::span<const MessageRecord>(rows.messages)), std::logic_error);
  CHECK_THROWS_AS(w.commit(), std::logic_error);
}

TEST_CASE("SCHEMA.md documents exactly the columns and units the writer writes", "[hdf5]")
{
  std::ifstream in(std::string(V2X_TEST_DATA) + "/../../sim/metrics/SCHEMA.md");
  REQUIRE(in.good());
  // "## `/path`" opens a dataset section; "| `column` | type | unit | meaning |" rows follow.
  struct Documented {
    std::string name, type, unit;
  };
  std::map<std::string, std::vector<Documented>> documented;
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("## `/", 0) == 0) {
      current = line.substr(4, line.find('`', 4) - 4);
      continue;
    }
    if (line.rfind("## ", 0) == 0)
      current.clear();
    if (current.empty() || line.rfind("| `", 0) != 0)
      continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|'))
      cells.push_back(
          cell.substr(cell.find_first_not_of(' '), cell.find_last_not_of(' ') - cell.find_first_not_of(' ') + 1));
    REQUIRE(cells.size() >= 3);
    documented[current].push_back({cells[0].substr(1, cells[0].size() - 2), cells[1], cells[2]});
  }
  for (const TableSpec* spec : all_table_specs()) {
    INFO(spec->path);
    REQUIRE(documented.count(spec->path) == 1);
    const auto& doc = documented[spec->path];
    REQUIRE(doc.size() == spec->columns.size());
    for (std::size_t i = 0; i < doc.size(); ++i) {
      CHECK(doc[i].name == spec->columns[i].name);
      CHECK(doc[i].type == type_text(spec->columns[i].type));
      CHECK(doc[i].unit == spec->columns[i].unit);
    }
  }
  REQUIRE(documented.count("/summary") == 1);
  const auto& summary_doc = documented["/summary"];
  REQUIRE(summary_doc.size() == summary_fields().size());
  for (std::size_t i = 0; i < summary_doc.size(); ++i) {
    CHECK(summary_doc[i].name == summary_fields()[i].name);
    CHECK(summary_doc[i].type == (summary_fields()[i].count != nullptr ? "uint64" : "float64"));
    CHECK(summary_doc[i].unit == summary_fields()[i].unit);
  }
}

TEST_CASE("a write error (file size limit reached) throws naming the path and leaves no file", "[hdf5]")
{
  // RLIMIT_FSIZE makes write() fail with EFBIG once the file would pass 200 kB: the same path through HDF5
  // as a full disk. The limit and the signal disposition are restored before the checks.
  TempDir dir;
  const std::string path = dir.file("big.h5");
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
  const auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 200000;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  std::string error;
  try {
    Hdf5Writer w(path, sample_metadata(), 8192, 0);
    std::vector<MessageRecord> rows(8192);
    for (int i = 0; i < 10; ++i) // 10 chunks of 8192 rows of 65 B: 5 MB
      w.append(std::span<const MessageRecord>(rows));
    w.commit();
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, saved_handler);
  INFO(error);
  CHECK(error.find(path) != std::string::npos);
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".partial"));
  // The library is still usable afterwards.
  write_file(dir.file("after.h5"), sample_rows(0), 16, 1);
  CHECK(fs::exists(dir.file("after.h5")));
}
