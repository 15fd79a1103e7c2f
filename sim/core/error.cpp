#include "core/error.hpp"

namespace v2x {

std::string format_input_error(const SourceLocation& where, const std::string& field, const std::string& value,
                               const std::string& what)
{
  std::string s;
  if (!where.file.empty()) {
    s += where.file;
    if (where.line > 0) {
      s += ":" + std::to_string(where.line);
      if (where.column > 0)
        s += ":" + std::to_string(where.column);
    }
    s += ": ";
  }
  if (!field.empty())
    s += "field '" + field + "'" + (value.empty() ? std::string(": ") : " = '" + value + "': ");
  else if (!value.empty())
    s += "'" + value + "': ";
  s += what;
  return s;
}

InputError::InputError(SourceLocation where, std::string field, std::string value, const std::string& what)
    : std::runtime_error(format_input_error(where, field, value, what))
    , where_(std::move(where))
    , field_(std::move(field))
    , value_(std::move(value))
{
}

} // namespace v2x
