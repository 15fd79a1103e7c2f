#pragma once
// A scenario file as a Protobuf document. The only place (with proto/*.cpp) that sees *.pb.h: the rest of
// v2xsim works on config/scenario.hpp's plain structs.
#include "config/scenario.hpp"
#include "core/error.hpp"

#include <memory>
#include <string>

namespace v2x {

class ScenarioDocument {
public:
  /// Parses Protobuf text format. Throws InputError(file, line, column) for syntax errors, unknown fields
  /// and values of the wrong type, with the parser's message.
  static ScenarioDocument parse(const std::string& text, const std::string& file);
  /// Reads and parses a file; InputError naming the file when it cannot be read.
  static ScenarioDocument load(const std::string& file);

  ScenarioDocument(ScenarioDocument&&) noexcept;
  ScenarioDocument& operator=(ScenarioDocument&&) noexcept;
  ~ScenarioDocument();

  /// `--set path=value` through Protobuf reflection, for any scalar field: path components separated by '.',
  /// repeated messages indexed as name[i] (i < size, or i == size to append one). Numbers, booleans
  /// (true/false/1/0), enum value names and strings are parsed per the field's type. Throws InputError with
  /// field = path and value = value saying what is wrong (unknown field, not a scalar, bad number, ...).
  /// `listed` = false: not named in text()'s header comment (only counted), for the many fields a command
  /// line's layout options (--rsu-grid, --mec-sites, ...) write.
  void set(const std::string& path, const std::string& value, bool listed = true);
  /// Empties the repeated field at `path` (e.g. "infrastructure.rsu"), for replacing a list with set()'s appends.
  void clear(const std::string& path, bool listed = true);
  /// Where the field at `path` was written in the file (line and column from the parse), else the nearest
  /// enclosing message that was; file only when nothing was (e.g. the value came from --set).
  SourceLocation locate(const std::string& path) const;
  /// The document in text format after overrides (recorded in the output).
  std::string text() const;
  /// Plain structs with the schema's defaults for absent fields; no semantic checks, no path resolution.
  Scenario to_scenario() const;
  const std::string& file() const;

private:
  ScenarioDocument();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace v2x
