#pragma once
// A sweep: a base scenario and the axes whose cross product `v2xsim sweep` runs (sim/proto/sweep.proto), as
// plain structs, and its expansion into runs. No process handling here (see runner.hpp).
#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace v2x::sweep {

/// One swept dimension. `column` names it in run ids and the manifest ("policy", "mechanism", "seed",
/// "trace", or the field path of a generic axis).
struct Axis {
  std::string column;
  std::string field;                   // scenario field path the values go to ("seed" for the seed axis)
  std::vector<std::string> values;     // as written (the manifest shows these)
  std::vector<std::string> set_values; // as passed to --set (differs for traces: resolved against the sweep file)
  SourceLocation where;                // where the axis is written in the sweep file
};

struct SweepSpec {
  std::string file;              // sweep file as given
  std::string name;              // label (default: the file's stem)
  std::string base;              // base scenario path, resolved against the sweep file's folder
  std::string base_text;         // its contents (part of every run's identity)
  std::vector<std::string> sets; // fixed "field=value" overrides for every run
  std::vector<Axis> axes;        // non-empty axes in expansion order: policy, mechanism, axis..., trace, seed
  std::string out;               // output folder from the file; empty = out/sweeps/<name>
};

/// Parses a sweep (Protobuf text format of v2x.pb.Sweep). `file` names it in errors and is the folder that
/// `base` and `trace` are relative to. Reads the base scenario's text (not its validity: see validate()).
/// InputError with file:line:column for syntax errors, unknown fields, an empty or duplicated axis, a bad
/// range, both `seed` and `seeds`, a missing base.
SweepSpec parse_sweep(const std::string& text, const std::string& file);
/// Reads and parses a sweep file.
SweepSpec load_sweep(const std::string& file);

/// Values of a Range: arithmetic when step > 0, geometric when factor > 1; exactly one of them. Written with 12
/// significant digits. InputError (field `what`) when the range is empty, unbounded or over 100,000 values.
std::vector<std::string> range_values(double from, double to, std::optional<double> step, std::optional<double> factor,
                                      const SourceLocation& where, const std::string& what);

/// One point of the cross product.
struct RunPoint {
  std::size_t index = 0;                                   // position in the expansion order
  std::string id;                                          // file-name-safe, unique, stable (see run_id)
  std::vector<std::pair<std::string, std::string>> params; // (column, value as written), axis order
  std::vector<std::string> sets;                           // --set arguments: fixed sets, then the axes'
  std::optional<std::uint64_t> seed;                       // --seed, when seeds are swept
};

/// The cross product in expansion order (last axis fastest). A sweep without axes has one run.
std::vector<RunPoint> expand(const SweepSpec& spec);

/// A run's identity: its parameter values joined by '_' (characters outside [A-Za-z0-9.+-] made '-', traces by
/// their file stem), then '_' and 8 hex digits of a 64-bit hash (FNV-1a, murmur3-finalised) of the base scenario text,
/// the fixed sets and the parameters. The same sweep gives the same ids on every machine; changing the base scenario,
/// a value or a fixed set changes them, so resumption never reuses an output of other inputs.
std::string run_id(const SweepSpec& spec, const std::vector<std::pair<std::string, std::string>>& params);

/// `--shard I/N`: the runs whose index is I modulo N.
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
};
/// Parses "I/N" with 0 <= I < N; InputError (field "--shard") otherwise.
Shard parse_shard(const std::string& text);
std::vector<RunPoint> select_shard(const std::vector<RunPoint>& runs, const Shard& shard);

/// 64-bit FNV-1a of `data`, continuing from `hash`.
std::uint64_t fnv1a(const std::string& data, std::uint64_t hash = 14695981039346656037ull);

} // namespace v2x::sweep
