#pragma once
// Error types. InputError is for anything a user can get wrong (scenario, trace, platform, command line):
// it names where (file, line, column or field path) and the offending value, and the CLI maps it to exit 2.
// IoError is a failure to write the output (missing or read-only folder, full disk, HDF5 write error): it
// names the path and the cause, and the CLI maps it to exit 2 as well. Every text that comes from input is
// printed through escape_text(), so a control byte reads "\x07" and never reaches the terminal raw.
#include <stdexcept>
#include <string>
#include <string_view>

namespace v2x {

struct SourceLocation {
  std::string file;  // path as the user gave it; empty when not from a file (e.g. --set)
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
};

class InputError : public std::runtime_error {
public:
  /// what: description of the problem; field: dotted field path or column name (may be empty);
  /// value: the offending value as text (may be empty).
  InputError(SourceLocation where, std::string field, std::string value, const std::string& what);

  const SourceLocation& where() const { return where_; }
  const std::string& field() const { return field_; }
  const std::string& value() const { return value_; }
  /// The description alone, without location, field and value.
  const std::string& description() const { return description_; }
  /// The same error located in `file` (when it names no file yet).
  InputError in_file(const std::string& file) const;

private:
  SourceLocation where_;
  std::string field_;
  std::string value_;
  std::string description_;
};

/// The output could not be written: "path: what".
class IoError : public std::runtime_error {
public:
  IoError(std::string path, const std::string& what);
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

/// Formats "file:line:col: field 'path' = 'value': what" leaving out the parts that are unknown. Each part is
/// escaped (escape_text), and a value longer than 200 bytes is cut with "...".
std::string format_input_error(const SourceLocation& where, const std::string& field, const std::string& value,
                               const std::string& what);

/// `text` with control bytes (< 0x20 except none, and 0x7f) and bytes that are not valid UTF-8 written as
/// "\xNN", and a backslash kept as is: safe to print on a terminal.
std::string escape_text(std::string_view text);

/// A number as a message shows it: integers up to 1e15 in full, otherwise the shortest round-trip text when it
/// has at most 17 significant digits, in exponent form for large and small magnitudes (never 300 digits).
std::string compact_number(double v);

} // namespace v2x
