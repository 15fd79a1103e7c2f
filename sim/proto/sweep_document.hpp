#pragma once
// A sweep file (Protobuf text format of v2x.pb.Sweep, sim/proto/sweep.proto) as plain structs, with where each
// entry was written. Only the syntax is checked here; sweep/sweep_spec.cpp gives the entries their meaning.
#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace v2x {

struct SweepDocument {
  /// A value of a repeated field and where it was written (file, 0, 0 when the parser recorded nothing).
  template <typename T> struct Entry {
    T value;
    SourceLocation where;
  };
  struct Range {
    std::optional<double> from, to, step, factor;
  };
  struct Axis {
    std::string field;
    std::vector<std::string> values;
    std::optional<Range> range;
    SourceLocation where;
  };
  /// seeds { first count }, with the schema's defaults for an absent first or count.
  struct SeedRange {
    std::uint64_t first = 0;
    std::uint32_t count = 0;
    SourceLocation where;
  };

  std::optional<std::string> name;
  std::optional<std::string> base;
  SourceLocation base_where;
  std::string out;
  std::vector<Entry<std::string>> sets;
  std::vector<Entry<std::string>> policies;
  std::vector<Entry<std::string>> mechanisms;
  std::vector<Entry<std::string>> policy_commands;
  std::vector<Axis> axes;
  std::vector<Entry<std::string>> traces;
  std::vector<Entry<std::uint64_t>> seeds;
  std::optional<SeedRange> seed_range;
};

/// Parses a sweep file's text; `file` names it in the locations. InputError(file:line:column) for syntax
/// errors, unknown fields and values of the wrong type.
SweepDocument parse_sweep_document(const std::string& text, const std::string& file);

} // namespace v2x
