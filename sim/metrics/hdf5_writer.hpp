#pragma once
// The only code that includes HDF5. Writes one run's file: root attributes, the static infrastructure
// tables, and the streamed datasets (compound, chunked, deflate-compressed, extended chunk by chunk).
// The file is written as `<path>.partial` and renamed to `<path>` by commit(); a writer destroyed
// without commit() removes the partial file, so a failed run never leaves a file that looks complete.
#include "metrics/records.hpp"
#include "metrics/summary.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace v2x {

struct RunMetadata {
  std::string simulator_version;
  std::string command_line;
  std::string scenario_name;
  std::string scenario_text;
  std::uint64_t seed = 0;
  std::string policy;
  std::string mechanism;
};

inline constexpr int kSchemaVersion = 1;

class Hdf5Writer {
public:
  /// Creates `<path>.partial` with the root attributes and every table (empty), creating the folder when
  /// missing; throws IoError naming the path when it cannot (an existing folder as `path`, a file as a parent,
  /// a read-only folder, an HDF5 error), std::invalid_argument when chunk_rows is 0 or compression above 9
  /// (deflate level; 0 = no filter). While the partial file exists, SIGINT/SIGTERM/SIGHUP/SIGXFSZ remove it
  /// (core/cleanup.hpp). A write error of a streamed dataset is kept and thrown by commit() as an IoError (the
  /// appends run inside the simulation, where an exception would abort); HDF5 prints nothing itself.
  ///
  /// Threading: the file is created on the caller's thread; then a writer thread does every HDF5 call (extend,
  /// shuffle + deflate, write, the summary attributes, the close). append() copies the rows into a job and
  /// returns; at most 4 jobs wait (each at most one chunk, as handed by the Recorder), and a full queue blocks the
  /// caller, so the writer holds at most 5 chunks per file (4 queued + 1 being written) whatever the simulation
  /// produces. An error on the writer thread is kept; the next append()/write_summary() drops its rows and
  /// commit() throws it as an IoError. commit() drains the queue. HDF5 1.10 from Debian is not thread-safe: no
  /// other thread may call HDF5 while a writer is open (this class is the only code that includes it). The rows
  /// reach the file in the order of the calls, so the bytes are those of a synchronous writer.
  Hdf5Writer(const std::string& path, const RunMetadata& meta, std::uint32_t chunk_rows, std::uint32_t compression);
  ~Hdf5Writer();
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  // Static tables, each written at most once (a second call is a std::logic_error).
  void write_sites(std::span<const SiteRecord> rows);     // /infrastructure/sites
  void write_rsus(std::span<const RsuRecord> rows);       // /infrastructure/rsus
  void write_brokers(std::span<const BrokerRecord> rows); // /infrastructure/brokers
  void write_faults(std::span<const FaultRecord> rows);   // /faults (at the end of the run: what each fault did)

  // Streamed datasets: each call appends rows at the end (one HDF5 extend + write).
  void append(std::span<const MessageRecord> rows);   // /messages
  void append(std::span<const HandoverRecord> rows);  // /handovers
  void append(std::span<const MigrationRecord> rows); // /migrations
  void append(std::span<const PhaseRecord> rows);     // /migration_phases
  void append(std::span<const StationRecord> rows);   // /stations
  void append(std::span<const TwinSample> rows);      // /twins
  void append(std::span<const MecSample> rows);       // /mecs
  void append(std::span<const ChannelSample> rows);   // /channels
  void append(std::span<const ContinuityRecord> rows); // /continuity

  void write_summary(const Summary& s); // attributes of group /summary (a second call replaces them)
  /// Flushes, closes and renames the file to its final name. Any call after it is a std::logic_error.
  void commit();

private:
  struct Impl;
  static void write_summary_now(Impl& d, const Summary& s);
  static void create_file(Impl& d, const RunMetadata& meta, std::uint32_t chunk_rows, std::uint32_t compression);
  std::unique_ptr<Impl> impl_;
};

} // namespace v2x
