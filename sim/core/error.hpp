#pragma once
// Error types. InputError is for anything a user can get wrong (scenario, trace, platform, command line):
// it names where (file, line, column or field path) and the offending value, and the CLI maps it to exit 2.
#include <stdexcept>
#include <string>

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

private:
  SourceLocation where_;
  std::string field_;
  std::string value_;
};

/// Formats "file:line:col: field 'path' = 'value': what" leaving out the parts that are unknown.
std::string format_input_error(const SourceLocation& where, const std::string& field, const std::string& value,
                               const std::string& what);

} // namespace v2x
