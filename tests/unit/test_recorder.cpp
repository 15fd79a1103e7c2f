// The recorder: streaming statistics (histogram quantiles against exact ones, counts by outcome) and the
// chunked hand-over of rows to the writer.
#include "metrics/hdf5_writer.hpp"
#include "metrics/recorder.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <hdf5.h>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace v2x;

namespace {

/// The q-quantile as LatencyHistogram defines it: the value of rank ceil(q n) (1-based, at least 1).
double exact_quantile(const std::vector<double>& sorted, double q)
{
  const double n = static_cast<double>(sorted.size());
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(q * n - 1e-9)));
  return sorted[rank - 1];
}

MessageRecord message(std::uint32_t seq, MessageOutcome outcome, double created, double processed)
{
  MessageRecord m;
  m.station = 1;
  m.seq = seq;
  m.created = created;
  m.processed = processed;
  m.outcome = outcome;
  return m;
}

MigrationRecord migration(MigrationReason reason, MigrationOutcome outcome, double downtime)
{
  MigrationRecord m;
  m.reason = reason;
  m.outcome = outcome;
  m.downtime = downtime;
  return m;
}

/// The `seq` column of /messages in the file at path.
std::vector<std::uint32_t> read_seqs(const std::string& path)
{
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t dset = H5Dopen2(file, "/messages", H5P_DEFAULT);
  const hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(std::uint32_t));
  H5Tinsert(type, "seq", 0, H5T_NATIVE_UINT32);
  const hid_t space = H5Dget_space(dset);
  std::vector<std::uint32_t> seqs(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!seqs.empty())
    REQUIRE(H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, seqs.data()) >= 0);
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(dset);
  H5Fclose(file);
  return seqs;
}

std::string temp_file(const std::string& name)
{
  return (fs::temp_directory_path() / ("v2x-recorder-" + std::to_string(::getpid()) + "-" + name)).string();
}

} // namespace

TEST_CASE("histogram quantiles are within 0.1 % of the exact quantiles of a seeded sample", "[recorder]")
{
  // Log-normal latencies around 20 ms spanning several decades, plus a few values below the first bin.
  std::mt19937_64 rng(20240611);
  std::lognormal_distribution<double> dist(std::log(0.02), 1.5);
  std::vector<double> values;
  LatencyHistogram h;
  for (int i = 0; i < 200000; ++i) {
    const double v = dist(rng);
    values.push_back(v);
    h.add(v);
  }
  std::sort(values.begin(), values.end());
  REQUIRE(h.count() == values.size());
  for (double q : {0.0, 0.001, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    INFO("q = " << q);
    const double exact = exact_quantile(values, q);
    CHECK(std::abs(h.quantile(q) - exact) / exact < 1e-3);
  }
  double sum = 0;
  for (double v : values)
    sum += v;
  CHECK(h.mean() == Approx(sum / static_cast<double>(values.size())).epsilon(1e-12));
  CHECK(h.max() == values.back());
  CHECK(h.min() == values.front());
}

TEST_CASE("histogram edge cases: empty, zeros, beyond the last bin, NaN", "[recorder]")
{
  LatencyHistogram h;
  CHECK(h.quantile(0.5) == 0.0);
  CHECK(h.mean() == 0.0);
  h.add(0.0); // below 1 µs: counted apart, reported as the smallest value seen
  h.add(0.0);
  h.add(std::nan("")); // ignored
  h.add(2e4);          // above 10^4 s: reported as the largest value seen
  CHECK(h.count() == 3);
  CHECK(h.quantile(0.5) == 0.0);  // rank ceil(1.5) = 2 of {0, 0, 2e4}
  CHECK(h.quantile(0.99) == 2e4); // rank 3
  CHECK(h.sum() == 2e4);
}

TEST_CASE("the recorder counts outcomes, latencies, migrations and vehicles", "[recorder]")
{
  Recorder r(nullptr, 8, true);
  // 3 delivered with latencies 10, 20, 30 ms; 2 lost; 1 dropped; 4 not sent.
  r.message(message(0, MessageOutcome::Delivered, 1.0, 1.010));
  r.message(message(1, MessageOutcome::Delivered, 2.0, 2.020));
  r.message(message(2, MessageOutcome::Delivered, 3.0, 3.030));
  for (std::uint32_t i = 0; i < 2; ++i)
    r.message(message(3 + i, MessageOutcome::Lost, 4.0, std::nan("")));
  r.message(message(5, MessageOutcome::Dropped, 5.0, std::nan("")));
  for (std::uint32_t i = 0; i < 4; ++i)
    r.message(message(6 + i, MessageOutcome::NotSent, 6.0, std::nan("")));
  // Migrations: only policy/manual ones count; completed ones give the downtime statistics.
  r.migration(migration(MigrationReason::Initial, MigrationOutcome::Completed, 9.0));
  r.migration(migration(MigrationReason::Policy, MigrationOutcome::Completed, 2.0));
  r.migration(migration(MigrationReason::Manual, MigrationOutcome::Completed, 4.0));
  r.migration(migration(MigrationReason::Policy, MigrationOutcome::Completed, 0.0)); // make-before-break
  r.migration(migration(MigrationReason::Policy, MigrationOutcome::Rejected, 0.0));
  r.migration(migration(MigrationReason::Policy, MigrationOutcome::Unfinished, 1.0));
  r.migration(migration(MigrationReason::Removal, MigrationOutcome::Completed, 0.0));
  StationRecord vehicle;
  vehicle.kind = StationKind::Vehicle;
  StationRecord rsu;
  rsu.kind = StationKind::Rsu;
  r.station(vehicle);
  r.station(vehicle);
  r.station(rsu);
  r.handover(HandoverRecord{});
  r.vehicle_left(0.0, 12.5);
  r.vehicle_left(2.0, 9.5);

  const Summary s = r.summary();
  CHECK(s.messages_created == 10);
  CHECK(s.messages_delivered == 3);
  CHECK(s.messages_lost == 2);
  CHECK(s.messages_dropped == 1);
  CHECK(s.messages_not_sent == 4);
  // Bin centres are within 0.025 % of the values; the mean and max are exact sums.
  CHECK(s.latency_p50_s == Approx(0.020).epsilon(5e-4)); // rank ceil(1.5) = 2
  CHECK(s.latency_p95_s == Approx(0.030).epsilon(5e-4));
  CHECK(s.latency_mean_s == Approx(0.020).epsilon(1e-9));
  CHECK(s.latency_max_s == Approx(0.030).epsilon(1e-9));
  CHECK(s.migrations == 3);
  CHECK(s.migrations_rejected == 1);
  CHECK(s.migrations_unfinished == 1);
  CHECK(s.downtime_total_s == 6.0); // 2 + 4 + 0
  CHECK(s.downtime_mean_s == 2.0);
  CHECK(s.downtime_max_s == 4.0);
  CHECK(s.vehicles == 2);
  CHECK(s.handovers == 1);
  CHECK(s.vehicle_seconds == 20.0);

  const std::string text = format_summary(s, "out/run.h5");
  INFO(text);
  CHECK(text.find("2 (0 RSUs") != std::string::npos);
  CHECK(text.find("10 created: 3 delivered (30.00 %), 2 lost, 1 dropped, 4 not sent") != std::string::npos);
  CHECK(text.find("latency        p50 ") != std::string::npos); // the values are checked above
  CHECK(text.find("3 completed, 1 rejected, 1 unfinished") != std::string::npos);
  CHECK(text.find("total 6.000 s, mean 2000.000 ms") != std::string::npos);
  CHECK(text.find("out/run.h5") != std::string::npos);
}

TEST_CASE("a warm-up leaves what happened before it out of the summary, and flags its message rows", "[recorder]")
{
  Recorder r(nullptr, 8, true);
  r.set_warmup(10.0);
  StationRecord vehicle;
  vehicle.kind = StationKind::Vehicle;
  vehicle.station = 1;  // the station of message()
  r.station(vehicle);
  // Two messages in the warm-up (one delivered, one lost), three after it (created at 10 s counts: [10, end)).
  r.message(message(0, MessageOutcome::Delivered, 5.0, 5.5));    // latency 500 ms: not in the histogram
  r.message(message(1, MessageOutcome::Lost, 9.9, std::nan("")));
  r.message(message(2, MessageOutcome::Delivered, 10.0, 10.010));
  r.message(message(3, MessageOutcome::Delivered, 11.0, 11.020));
  r.message(message(4, MessageOutcome::NotSent, 12.0, std::nan("")));
  HandoverRecord early, late;
  early.time = 3.0;
  late.time = 10.5;
  r.handover(early);
  r.handover(late);
  MigrationRecord before = migration(MigrationReason::Policy, MigrationOutcome::Completed, 7.0);
  before.requested = 4.0;
  MigrationRecord after = migration(MigrationReason::Policy, MigrationOutcome::Completed, 2.0);
  after.requested = 12.0;
  r.migration(before);
  r.migration(after);
  r.vehicle_left(0.0, 30.0);   // 20 s after the warm-up
  r.vehicle_left(15.0, 20.0);  // 5 s, all after it
  r.vehicle_left(2.0, 8.0);    // none

  const Summary s = r.summary();
  CHECK(s.warmup_s == 10.0);
  CHECK(s.messages_warmup == 2);
  CHECK(s.messages_created == 3);
  CHECK(s.vehicle_messages == 3);
  CHECK(s.messages_delivered == 2);
  CHECK(s.messages_not_sent == 1);
  CHECK(s.messages_lost == 0);
  CHECK(s.latency_max_s == Approx(0.020).epsilon(1e-9));  // the 500 ms of the warm-up are left out
  CHECK(s.handovers == 1);
  CHECK(s.migrations == 1);
  CHECK(s.downtime_total_s == 2.0);
  CHECK(s.vehicle_seconds == 25.0);
  CHECK(format_summary(s, "x.h5").find("warm-up        first 10 s left out of these figures (2 messages created "
                                       "then)") != std::string::npos);
}

TEST_CASE("the recorder hands full chunks to the writer, in order, and the rest at flush()", "[recorder]")
{
  const std::string path = temp_file("chunks.h5");
  RunMetadata meta;
  SECTION("without flush only the full chunks reach the file")
  {
    {
      Hdf5Writer w(path, meta, 4, 1);
      Recorder r(&w, 4, true);
      for (std::uint32_t i = 0; i < 10; ++i)
        r.message(message(i, MessageOutcome::Delivered, i, i + 0.01));
      w.commit(); // 10 rows, chunks of 4: rows 0..7 were handed over, 8 and 9 still buffered
    }
    CHECK(read_seqs(path) == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7});
  }
  SECTION("flush hands over the partial chunk after the full ones")
  {
    {
      Hdf5Writer w(path, meta, 4, 1);
      Recorder r(&w, 4, true);
      for (std::uint32_t i = 0; i < 10; ++i)
        r.message(message(i, MessageOutcome::Delivered, i, i + 0.01));
      r.flush();
      r.flush(); // nothing left: no duplicate rows
      w.commit();
    }
    CHECK(read_seqs(path) == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  }
  SECTION("record_messages = false writes no message rows but still counts them")
  {
    Summary s;
    {
      Hdf5Writer w(path, meta, 4, 1);
      Recorder r(&w, 4, false);
      for (std::uint32_t i = 0; i < 10; ++i)
        r.message(message(i, MessageOutcome::Delivered, i, i + 0.01));
      r.flush();
      s = r.summary();
      w.commit();
    }
    CHECK(read_seqs(path).empty());
    CHECK(s.messages_delivered == 10);
  }
  fs::remove(path);
}

TEST_CASE("SAMPLED message rows: one in N by a hash of (station, seq), summary and histogram exact", "[recorder]")
{
  const std::string path = temp_file("sampled.h5");
  RunMetadata meta;
  const MessageRows sampled(MessagesMode::Sampled, 10);
  std::vector<std::uint32_t> expected;
  Summary s;
  Recorder all(nullptr, 8, true);
  {
    Hdf5Writer w(path, meta, 64, 1);
    Recorder r(&w, 64, sampled);
    for (std::uint32_t i = 0; i < 5000; ++i) {
      MessageRecord m = message(i, i % 7 == 0 ? MessageOutcome::Lost : MessageOutcome::Delivered, i * 0.1,
                                i * 0.1 + 0.001 * (1 + i % 50));
      m.station = 3;
      if (sampled.keeps(3, i))
        expected.push_back(i);
      r.message(m);
      all.message(m);
    }
    r.flush();
    s = r.summary();
    w.commit();
  }
  const auto seqs = read_seqs(path);
  CHECK(seqs == expected);
  CHECK(seqs.size() > 400); // about 1 in 10 of 5000
  CHECK(seqs.size() < 600);
  // The rows kept are those of the (station, seq) hash, whatever else was recorded: the same in every run.
  CHECK(MessageRows(MessagesMode::Sampled, 10).keeps(3, expected.front()));
  CHECK_FALSE(MessageRows(MessagesMode::None, 10).keeps(3, expected.front()));
  CHECK(MessageRows(MessagesMode::Sampled, 1).keeps(3, 1));
  // Every message counted: the summary equals that of a recorder keeping every row.
  const Summary ref = all.summary();
  CHECK(s.messages_created == 5000);
  CHECK(s.messages_delivered == ref.messages_delivered);
  CHECK(s.messages_lost == ref.messages_lost);
  CHECK(s.latency_mean_s == ref.latency_mean_s);
  CHECK(s.latency_p50_s == ref.latency_p50_s);
  CHECK(s.latency_p99_s == ref.latency_p99_s);
  CHECK(s.latency_max_s == ref.latency_max_s);
  fs::remove(path);
}

TEST_CASE("the writer thread keeps the order of many chunks queued faster than it writes them", "[recorder][hdf5]")
{
  // 300 chunks of 64 rows with deflate 9: the simulation side outruns the writer thread, so the queue fills and
  // append() blocks (at most 4 chunks wait); every row reaches the file, in the order of the calls.
  const std::string path = temp_file("queued.h5");
  RunMetadata meta;
  {
    Hdf5Writer w(path, meta, 64, 9);
    Recorder r(&w, 64, true);
    for (std::uint32_t i = 0; i < 300 * 64; ++i)
      r.message(message(i, MessageOutcome::Delivered, i, i + 0.01));
    r.flush();
    w.commit();
  }
  const auto seqs = read_seqs(path);
  REQUIRE(seqs.size() == 300 * 64);
  bool in_order = true;
  for (std::uint32_t i = 0; i < seqs.size(); ++i)
    in_order = in_order && seqs[i] == i;
  CHECK(in_order);
  fs::remove(path);
}
