#include "metrics/hdf5_writer.hpp"

#include "core/cleanup.hpp"
#include "core/error.hpp"
#include "metrics/hdf5_schema.hpp"

#include <algorithm>
#include <condition_variable>
#include <cerrno>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <cstring>
#include <filesystem>
#include <hdf5.h>
#include <stdexcept>
#include <unistd.h>
#include <utility>
#include <vector>

namespace v2x {

namespace {

// ---- HDF5 identifiers and errors ----

/// Owns one HDF5 identifier and closes it with the matching H5*close function.
class Handle {
public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer)
      : id_(id)
      , closer_(closer)
  {
  }
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID))
      , closer_(other.closer_)
  {
  }
  Handle& operator=(Handle&& other) noexcept
  {
    if (this != &other) {
      close();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  hid_t get() const { return id_; }
  /// Closes now; returns the H5*close status (0 when there was nothing to close).
  herr_t close()
  {
    herr_t status = 0;
    if (id_ >= 0 && closer_ != nullptr)
      status = closer_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }

private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

herr_t collect_error(unsigned n, const H5E_error2_t* err, void* client)
{
  auto& frames = *static_cast<std::vector<std::string>*>(client);
  (void)n;
  frames.emplace_back(err->desc != nullptr ? err->desc : "");
  return 0;
}

/// The HDF5 error stack as one line (outermost call first, innermost cause last), then cleared.
std::string hdf5_error_text()
{
  std::vector<std::string> frames;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &frames);
  H5Eclear2(H5E_DEFAULT);
  if (frames.empty())
    return "unknown HDF5 error";
  std::string text = frames.front();
  if (frames.size() > 1 && frames.back() != frames.front())
    text += " (" + frames.back() + ")";
  std::replace(text.begin(), text.end(), '\n', ' '); // HDF5's system error descriptions hold newlines
  return text;
}

[[noreturn]] void fail(const std::string& path, const std::string& what)
{
  throw IoError(path, "HDF5 output: " + what + ": " + hdf5_error_text());
}

/// Before anything is created: `path` must name a file in a folder that exists (created here when missing) and
/// can be written; an existing folder at `path` itself is refused now, not when the run is over.
void check_output_path(const std::string& path)
{
  namespace fs = std::filesystem;
  if (path.empty())
    throw IoError(path, "no output path");
  std::error_code ec;
  const fs::file_status existing = fs::status(path, ec);
  if (fs::is_directory(existing))
    throw IoError(path, "the output path is an existing folder (give a file name, e.g. " +
                            (fs::path(path) / "run.h5").string() + ")");
  // The finished file is renamed over `path`: a device (-o /dev/null), a FIFO or a socket would be replaced by
  // a regular file (as root, /dev/null itself).
  if (fs::exists(existing) && !fs::is_regular_file(existing))
    throw IoError(path, std::string("the output path is an existing ") +
                            (fs::is_character_file(existing) || fs::is_block_file(existing) ? "device"
                             : fs::is_fifo(existing)                                          ? "FIFO"
                                                                                              : "special file") +
                            ", not a file: the HDF5 output needs a regular file (give a file name, e.g. run.h5)");
  const fs::path parent = fs::path(path).parent_path();
  if (parent.empty())
    return;
  // Walk up to the first ancestor that exists: it must be a folder.
  for (fs::path p = parent; !p.empty(); p = p.parent_path()) {
    const auto st = fs::status(p, ec);
    if (fs::exists(st)) {
      if (!fs::is_directory(st))
        throw IoError(path, "cannot create the output folder: " + p.string() + " is a file, not a folder");
      break;
    }
    if (p == p.parent_path())
      break;
  }
  fs::create_directories(parent, ec);
  if (ec)
    throw IoError(path, "cannot create the output folder " + parent.string() + ": " + ec.message());
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw IoError(path, "cannot write in the output folder " + parent.string() + ": " + std::strerror(errno));
}

hid_t check_id(hid_t id, const std::string& path, const std::string& what)
{
  if (id < 0)
    fail(path, what);
  return id;
}

void check(herr_t status, const std::string& path, const std::string& what)
{
  if (status < 0)
    fail(path, what);
}

// ---- types ----

/// The HDF5 type of one column (little-endian, identical in memory on the platforms we build for and in
/// the file, so that the file does not depend on the machine that wrote it).
Handle column_type(ColumnType t, const std::string& path)
{
  switch (t) {
  case ColumnType::U8:
  case ColumnType::Bool:
    return {check_id(H5Tcopy(H5T_STD_U8LE), path, "copy type"), H5Tclose};
  case ColumnType::U32:
    return {check_id(H5Tcopy(H5T_STD_U32LE), path, "copy type"), H5Tclose};
  case ColumnType::F64:
    return {check_id(H5Tcopy(H5T_IEEE_F64LE), path, "copy type"), H5Tclose};
  case ColumnType::Name: {
    Handle s{check_id(H5Tcopy(H5T_C_S1), path, "copy type"), H5Tclose};
    check(H5Tset_size(s.get(), std::tuple_size_v<FixedName>), path, "set string size");
    check(H5Tset_strpad(s.get(), H5T_STR_NULLPAD), path, "set string padding");
    check(H5Tset_cset(s.get(), H5T_CSET_UTF8), path, "set string character set");
    return s;
  }
  default: {
    Handle e{check_id(H5Tenum_create(H5T_STD_U8LE), path, "create enum type"), H5Tclose};
    const auto names = enum_names(t);
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto value = static_cast<std::uint8_t>(i);
      check(H5Tenum_insert(e.get(), names[i], &value), path, std::string("insert enum value ") + names[i]);
    }
    return e;
  }
  }
}

/// Memory type (the C++ struct's layout, padding included) and file type (the same members packed).
std::pair<Handle, Handle> compound_types(const TableSpec& spec, const std::string& path)
{
  Handle memory{check_id(H5Tcreate(H5T_COMPOUND, spec.row_size), path, "create compound type"), H5Tclose};
  std::size_t packed = 0;
  for (const Column& c : spec.columns) {
    Handle member = column_type(c.type, path);
    check(H5Tinsert(memory.get(), c.name, c.offset, member.get()), path, std::string("insert member ") + c.name);
    packed += H5Tget_size(member.get());
  }
  Handle file{check_id(H5Tcreate(H5T_COMPOUND, packed), path, "create compound type"), H5Tclose};
  std::size_t offset = 0;
  for (const Column& c : spec.columns) {
    Handle member = column_type(c.type, path);
    check(H5Tinsert(file.get(), c.name, offset, member.get()), path, std::string("insert member ") + c.name);
    offset += H5Tget_size(member.get());
  }
  return {std::move(memory), std::move(file)};
}

// ---- attributes ----

void write_string_attribute(hid_t loc, const char* name, const std::string& value, const std::string& path)
{
  Handle type{check_id(H5Tcopy(H5T_C_S1), path, "copy type"), H5Tclose};
  check(H5Tset_size(type.get(), H5T_VARIABLE), path, "set string size");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), path, "set string character set");
  Handle space{check_id(H5Screate(H5S_SCALAR), path, "create dataspace"), H5Sclose};
  Handle attr{check_id(H5Acreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), path,
                       std::string("create attribute ") + name),
              H5Aclose};
  const char* text = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &text), path, std::string("write attribute ") + name);
}

template <class T>
void write_scalar_attribute(hid_t loc, const char* name, hid_t file_type, hid_t memory_type, const T& value,
                            const std::string& path)
{
  Handle space{check_id(H5Screate(H5S_SCALAR), path, "create dataspace"), H5Sclose};
  Handle attr{check_id(H5Acreate2(loc, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), path,
                       std::string("create attribute ") + name),
              H5Aclose};
  check(H5Awrite(attr.get(), memory_type, &value), path, std::string("write attribute ") + name);
}

void delete_attribute_if_present(hid_t loc, const char* name, const std::string& path)
{
  const htri_t exists = H5Aexists(loc, name);
  check(exists, path, std::string("look up attribute ") + name);
  if (exists > 0)
    check(H5Adelete(loc, name), path, std::string("delete attribute ") + name);
}

/// "name:unit,name:unit,..."
std::string units_text(const TableSpec& spec)
{
  std::string text;
  for (const Column& c : spec.columns) {
    if (!text.empty())
      text += ',';
    text += c.name;
    text += ':';
    text += c.unit;
  }
  return text;
}

/// Group creation properties without modification times, so that equal inputs give equal bytes.
Handle untimed_group_properties(const std::string& path)
{
  Handle gcpl{check_id(H5Pcreate(H5P_GROUP_CREATE), path, "create group properties"), H5Pclose};
  check(H5Pset_obj_track_times(gcpl.get(), false), path, "disable group times");
  return gcpl;
}

// ---- tables ----

/// One extendible dataset being appended to.
struct Table {
  const TableSpec* spec = nullptr;
  Handle dataset;
  Handle memory_type;
  hsize_t rows = 0;
};

Table create_table(hid_t file, const TableSpec& spec, hsize_t chunk_rows, unsigned compression, const std::string& path)
{
  Table t;
  t.spec = &spec;
  auto [memory, filetype] = compound_types(spec, path);
  t.memory_type = std::move(memory);

  const hsize_t dims[1] = {0};
  const hsize_t max_dims[1] = {H5S_UNLIMITED};
  Handle space{check_id(H5Screate_simple(1, dims, max_dims), path, "create dataspace"), H5Sclose};
  Handle dcpl{check_id(H5Pcreate(H5P_DATASET_CREATE), path, "create dataset properties"), H5Pclose};
  const hsize_t chunk[1] = {chunk_rows};
  check(H5Pset_chunk(dcpl.get(), 1, chunk), path, "set chunk size");
  if (compression > 0) {
    check(H5Pset_shuffle(dcpl.get()), path, "enable shuffle");
    check(H5Pset_deflate(dcpl.get(), compression), path, "enable deflate");
  }
  // The tail of the last chunk holds the default fill value (zeros) rather than whatever was in memory.
  check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_ALLOC), path, "set fill time");
  check(H5Pset_obj_track_times(dcpl.get(), false), path, "disable dataset times");
  Handle lcpl{check_id(H5Pcreate(H5P_LINK_CREATE), path, "create link properties"), H5Pclose};
  check(H5Pset_create_intermediate_group(lcpl.get(), 1), path, "set intermediate groups");
  t.dataset =
      Handle{check_id(H5Dcreate2(file, spec.path, filetype.get(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT),
                      path, std::string("create dataset ") + spec.path),
             H5Dclose};
  write_string_attribute(t.dataset.get(), "units", units_text(spec), path);
  write_string_attribute(t.dataset.get(), "doc", spec.doc, path);
  return t;
}

void append_rows(Table& t, const void* data, std::size_t n, const std::string& path)
{
  if (n == 0)
    return;
  const std::string what = std::string("append to ") + t.spec->path;
  const hsize_t new_rows[1] = {t.rows + n};
  check(H5Dset_extent(t.dataset.get(), new_rows), path, what);
  Handle file_space{check_id(H5Dget_space(t.dataset.get()), path, what), H5Sclose};
  const hsize_t start[1] = {t.rows};
  const hsize_t count[1] = {n};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), path, what);
  Handle memory_space{check_id(H5Screate_simple(1, count, nullptr), path, what), H5Sclose};
  check(H5Dwrite(t.dataset.get(), t.memory_type.get(), memory_space.get(), file_space.get(), H5P_DEFAULT, data), path,
        what);
  t.rows += n;
}

} // namespace

struct Hdf5Writer::Impl {
  std::string path;
  std::string partial;
  Handle file;
  Table sites, rsus, brokers;
  Table messages, handovers, migrations, phases, stations, twins, mecs, channels, faults, continuity;
  bool sites_written = false, rsus_written = false, brokers_written = false, faults_written = false;
  bool committed = false;

  std::vector<Table*> tables()
  {
    return {&sites,  &rsus,     &brokers, &messages, &handovers, &migrations, &phases,
            &stations, &twins, &mecs,    &channels, &faults,    &continuity};
  }

  /// Root attributes and every (empty) table.
  void write_layout(const RunMetadata& meta, std::uint32_t chunk_rows, std::uint32_t compression);
  /// Closes what is open and removes the partial file, ignoring errors.
  void discard() noexcept;

  void require_open() const
  {
    if (committed)
      throw std::logic_error("HDF5 output " + path + ": written to after commit()");
  }

  /// The first write error (a full disk, a file size limit, an HDF5 error), set on the writer thread. Appends are
  /// called deep inside the simulation (actors, timers), where an exception would abort the process; the error is
  /// kept, later rows are dropped, and commit() throws it as an IoError on the simulation thread.
  std::string write_error;

  // ---- the writer thread ----
  // HDF5 1.10 from Debian is built without its thread-safety option: two threads must never be inside the
  // library at once. Rule: the constructor creates the file on the caller's thread, then starts the writer
  // thread; from then on ONLY the writer thread calls H5* (every write, the summary, the close), until it has been
  // joined. The simulation thread only copies rows into jobs and waits on the queue.
  static constexpr std::size_t kQueueJobs = 4; // jobs waiting at most (each at most one chunk of rows)
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::function<void()>> queue; // guarded by mutex
  bool stopping = false;                   // guarded by mutex: no job will be added any more
  std::string thread_error;                // guarded by mutex: copied into write_error by the producer
  std::thread worker;

  void start_worker()
  {
    worker = std::thread([this] { run_worker(); });
  }

  void run_worker()
  {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [this] { return !queue.empty() || stopping; });
        if (queue.empty())
          return; // stopping and drained
        job = std::move(queue.front());
        queue.pop_front();
      }
      changed.notify_all(); // a producer may wait for room
      job();
    }
  }

  /// Queues `job` for the writer thread (runs it inline before the thread starts); blocks while kQueueJobs jobs
  /// are waiting, so that the memory held by the queue stays bounded whatever the simulation produces.
  void submit(std::function<void()> job)
  {
    if (!worker.joinable()) {
      job();
      return;
    }
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [this] { return queue.size() < kQueueJobs; });
      queue.push_back(std::move(job));
    }
    changed.notify_all();
  }

  /// Waits until the writer thread has run every queued job and ended (idempotent).
  void stop_worker() noexcept
  {
    if (!worker.joinable())
      return;
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    changed.notify_all();
    worker.join();
  }

  /// The first error the writer thread met, if any, moved into write_error (simulation thread).
  void collect_thread_error()
  {
    std::lock_guard lock(mutex);
    if (write_error.empty() && !thread_error.empty())
      write_error = thread_error;
  }

  /// Runs `what` on the writer thread, turning an exception into the kept error; skipped after an error.
  void submit_guarded(std::function<void()> what)
  {
    submit([this, what = std::move(what)] {
      {
        std::lock_guard lock(mutex);
        if (!thread_error.empty())
          return;
      }
      try {
        what();
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex);
        if (thread_error.empty())
          thread_error = e.what();
      }
    });
  }

  template <class Row> void append(Table& t, std::span<const Row> rows)
  {
    require_open();
    collect_thread_error();
    if (!write_error.empty() || rows.empty())
      return;
    // A copy of the rows (the recorder reuses its buffer at once); the compression and the write run on the thread.
    std::vector<Row> copy(rows.begin(), rows.end());
    submit_guarded([this, &t, copy = std::move(copy)] {
      // The error-printing setting is per thread in a thread-safe HDF5: v2xsim prints HDF5's errors itself.
      H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
      append_rows(t, copy.data(), copy.size(), partial);
    });
  }

  /// Closes the file and every object; throws on the first failure (after closing the rest).
  void close_all()
  {
    std::string error;
    auto note = [&error](herr_t status, const std::string& what) {
      if (status < 0 && error.empty())
        error = what + ": " + hdf5_error_text();
    };
    // The file id first: with the weak close degree HDF5 really closes the file when its last object closes,
    // and a failure then (disk full) leaves the library in a clean state. Closing the objects first and then
    // failing in H5Fclose leaves a half-closed file that makes HDF5 1.10.8 crash at exit.
    note(file.close(), "close file");
    for (Table* t : tables()) {
      note(t->dataset.close(), std::string("close ") + (t->spec != nullptr ? t->spec->path : "table"));
      note(t->memory_type.close(), "close type");
    }
    if (!error.empty())
      throw IoError(partial, "HDF5 output: " + error);
  }
};

Hdf5Writer::Hdf5Writer(const std::string& path, const RunMetadata& meta, std::uint32_t chunk_rows,
                       std::uint32_t compression)
    : impl_(std::make_unique<Impl>())
{
  if (chunk_rows == 0)
    throw std::invalid_argument("HDF5 output " + path + ": chunk_rows must be at least 1");
  check_output_path(path);
  if (compression > 9)
    throw std::invalid_argument("HDF5 output " + path + ": compression must be 0..9, got " +
                                std::to_string(compression));
  // Errors come back as return codes that we turn into exceptions; HDF5 must not print them itself.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);

  Impl& d = *impl_;
  d.path = path;
  d.partial = path + ".partial";
  if (compression > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
    throw IoError(path, "HDF5 output: this HDF5 library has no deflate filter");
  cleanup::arm(d.partial); // before the file exists: a signal from now on removes it
  try {
    create_file(d, meta, chunk_rows, compression);
    d.start_worker(); // from here on only the writer thread calls HDF5 (see Impl::submit)
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(d.partial, ignored); // H5Fcreate may have made it before failing (a full disk)
    cleanup::disarm();
    throw;
  }
}

void Hdf5Writer::create_file(Impl& d, const RunMetadata& meta, std::uint32_t chunk_rows, std::uint32_t compression)
{

  Handle fcpl{check_id(H5Pcreate(H5P_FILE_CREATE), d.partial, "create file properties"), H5Pclose};
  check(H5Pset_obj_track_times(fcpl.get(), false), d.partial, "disable root group times");
  Handle fapl{check_id(H5Pcreate(H5P_FILE_ACCESS), d.partial, "create file access properties"), H5Pclose};
  // 1.8 format at least: dense attribute storage (scenario text of any size), no timestamps anywhere.
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V110), d.partial, "set format bounds");
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_WEAK), d.partial, "set close degree"); // see close_all()
  d.file = Handle{
      check_id(H5Fcreate(d.partial.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), d.partial, "cannot create file"),
      H5Fclose};
  try {
    d.write_layout(meta, chunk_rows, compression);
  } catch (...) {
    d.discard();
    throw;
  }
}

void Hdf5Writer::Impl::discard() noexcept
{
  auto close_quietly = [this] {
    try {
      close_all();
    } catch (const std::exception&) {
      // The file is being thrown away: a failure to close it changes nothing.
    }
    H5garbage_collect(); // HDF5's free lists, which a failed write leaves filled (LeakSanitizer reports them)
  };
  if (worker.joinable()) {
    {
      std::lock_guard lock(mutex);
      queue.clear(); // rows of a file that is thrown away
      queue.emplace_back(close_quietly);
    }
    changed.notify_all();
    stop_worker();
  } else {
    close_quietly();
  }
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);
  cleanup::disarm();
}

void Hdf5Writer::Impl::write_layout(const RunMetadata& meta, std::uint32_t chunk_rows, std::uint32_t compression)
{
  const hid_t root = file.get();
  write_scalar_attribute(root, "schema_version", H5T_STD_I32LE, H5T_NATIVE_INT32, std::int32_t{kSchemaVersion},
                         partial);
  write_string_attribute(root, "simulator_version", meta.simulator_version, partial);
  write_string_attribute(root, "command_line", meta.command_line, partial);
  write_string_attribute(root, "scenario_name", meta.scenario_name, partial);
  write_string_attribute(root, "scenario_text", meta.scenario_text, partial);
  write_scalar_attribute(root, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, meta.seed, partial);
  write_string_attribute(root, "policy", meta.policy, partial);
  write_string_attribute(root, "mechanism", meta.mechanism, partial);

  Handle gcpl = untimed_group_properties(partial);
  Handle infrastructure{check_id(H5Gcreate2(root, "infrastructure", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), partial,
                                 "create group /infrastructure"),
                        H5Gclose};
  write_string_attribute(infrastructure.get(), "doc", "static description of the simulated infrastructure", partial);
  check(infrastructure.close(), partial, "close group /infrastructure");

  // Infrastructure tables are small and written once: smaller chunks than the streamed datasets.
  const hsize_t static_chunk = std::min<hsize_t>(chunk_rows, 1024);
  sites = create_table(root, table_spec<SiteRecord>(), static_chunk, compression, partial);
  rsus = create_table(root, table_spec<RsuRecord>(), static_chunk, compression, partial);
  brokers = create_table(root, table_spec<BrokerRecord>(), static_chunk, compression, partial);
  messages = create_table(root, table_spec<MessageRecord>(), chunk_rows, compression, partial);
  handovers = create_table(root, table_spec<HandoverRecord>(), chunk_rows, compression, partial);
  migrations = create_table(root, table_spec<MigrationRecord>(), chunk_rows, compression, partial);
  phases = create_table(root, table_spec<PhaseRecord>(), chunk_rows, compression, partial);
  stations = create_table(root, table_spec<StationRecord>(), chunk_rows, compression, partial);
  twins = create_table(root, table_spec<TwinSample>(), chunk_rows, compression, partial);
  mecs = create_table(root, table_spec<MecSample>(), chunk_rows, compression, partial);
  channels = create_table(root, table_spec<ChannelSample>(), chunk_rows, compression, partial);
  faults = create_table(root, table_spec<FaultRecord>(), static_chunk, compression, partial);
  continuity = create_table(root, table_spec<ContinuityRecord>(), chunk_rows, compression, partial);
}

Hdf5Writer::~Hdf5Writer()
{
  if (impl_ && !impl_->committed)
    impl_->discard();
}

void Hdf5Writer::write_sites(std::span<const SiteRecord> rows)
{
  if (std::exchange(impl_->sites_written, true))
    throw std::logic_error("HDF5 output " + impl_->path + ": write_sites() called twice");
  impl_->append(impl_->sites, rows);
}

void Hdf5Writer::write_rsus(std::span<const RsuRecord> rows)
{
  if (std::exchange(impl_->rsus_written, true))
    throw std::logic_error("HDF5 output " + impl_->path + ": write_rsus() called twice");
  impl_->append(impl_->rsus, rows);
}

void Hdf5Writer::write_brokers(std::span<const BrokerRecord> rows)
{
  if (std::exchange(impl_->brokers_written, true))
    throw std::logic_error("HDF5 output " + impl_->path + ": write_brokers() called twice");
  impl_->append(impl_->brokers, rows);
}

void Hdf5Writer::append(std::span<const MessageRecord> rows)
{
  impl_->append(impl_->messages, rows);
}

void Hdf5Writer::append(std::span<const HandoverRecord> rows)
{
  impl_->append(impl_->handovers, rows);
}

void Hdf5Writer::append(std::span<const MigrationRecord> rows)
{
  impl_->append(impl_->migrations, rows);
}

void Hdf5Writer::append(std::span<const PhaseRecord> rows)
{
  impl_->append(impl_->phases, rows);
}

void Hdf5Writer::append(std::span<const StationRecord> rows)
{
  impl_->append(impl_->stations, rows);
}

void Hdf5Writer::append(std::span<const TwinSample> rows)
{
  impl_->append(impl_->twins, rows);
}

void Hdf5Writer::append(std::span<const ChannelSample> rows)
{
  impl_->append(impl_->channels, rows);
}

void Hdf5Writer::append(std::span<const MecSample> rows)
{
  impl_->append(impl_->mecs, rows);
}

void Hdf5Writer::write_faults(std::span<const FaultRecord> rows)
{
  if (std::exchange(impl_->faults_written, true))
    throw std::logic_error("HDF5 output " + impl_->path + ": write_faults() called twice");
  impl_->append(impl_->faults, rows);
}

void Hdf5Writer::append(std::span<const ContinuityRecord> rows)
{
  impl_->append(impl_->continuity, rows);
}

void Hdf5Writer::write_summary(const Summary& summary)
{
  Impl& d = *impl_;
  d.require_open();
  d.collect_thread_error();
  if (!d.write_error.empty())
    return; // commit() throws it
  d.submit_guarded([&d, s = summary] { write_summary_now(d, s); });
}

void Hdf5Writer::write_summary_now(Impl& d, const Summary& s)
{
  const hid_t root = d.file.get();
  Handle group;
  const htri_t exists = H5Lexists(root, "summary", H5P_DEFAULT);
  check(exists, d.partial, "look up group /summary");
  if (exists > 0) {
    group = Handle{check_id(H5Gopen2(root, "summary", H5P_DEFAULT), d.partial, "open group /summary"), H5Gclose};
  } else {
    Handle gcpl = untimed_group_properties(d.partial);
    group = Handle{
        check_id(H5Gcreate2(root, "summary", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), d.partial, "create group /summary"),
        H5Gclose};
  }
  std::string units;
  for (const SummaryField& f : summary_fields()) {
    delete_attribute_if_present(group.get(), f.name, d.partial);
    if (f.count != nullptr)
      write_scalar_attribute(group.get(), f.name, H5T_STD_U64LE, H5T_NATIVE_UINT64, s.*f.count, d.partial);
    else
      write_scalar_attribute(group.get(), f.name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, s.*f.value, d.partial);
    if (!units.empty())
      units += ',';
    units += std::string(f.name) + ':' + f.unit;
  }
  delete_attribute_if_present(group.get(), "units", d.partial);
  write_string_attribute(group.get(), "units", units, d.partial);
  delete_attribute_if_present(group.get(), "doc", d.partial);
  write_string_attribute(group.get(), "doc", "run summary computed by the recorder (see SCHEMA.md)", d.partial);
  check(group.close(), d.partial, "close group /summary");
}

void Hdf5Writer::commit()
{
  Impl& d = *impl_;
  d.require_open();
  // Drain the queue, then close the file, both on the writer thread; then join it (no HDF5 call after that).
  std::exception_ptr close_error;
  d.submit([&d, &close_error] {
    bool failed = false;
    {
      std::lock_guard lock(d.mutex);
      failed = !d.thread_error.empty();
    }
    if (failed)
      return; // discard() closes it
    try {
      d.close_all();
    } catch (...) {
      close_error = std::current_exception();
    }
  });
  d.stop_worker();
  d.collect_thread_error();
  if (!d.write_error.empty())
    throw IoError(d.path, "the output could not be written: " + d.write_error);
  if (close_error)
    std::rethrow_exception(close_error); // an IoError naming the partial file
  std::error_code ec;
  cleanup::begin_commit();
  std::filesystem::rename(d.partial, d.path, ec);
  if (ec)
    throw IoError(d.path, "cannot rename " + d.partial + " to it: " + ec.message());
  d.committed = true;
}

} // namespace v2x
