#include "core/error.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace v2x {

std::string escape_text(std::string_view text)
{
  std::string s;
  s.reserve(text.size());
  const auto hex = [&s](unsigned char c) {
    static const char* digits = "0123456789abcdef";
    s += "\\x";
    s += digits[c >> 4];
    s += digits[c & 15];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      hex(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      s += static_cast<char>(c);
      ++i;
      continue;
    }
    // UTF-8: a lead byte and its continuation bytes are kept when well formed, otherwise each byte is escaped.
    std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    bool ok = n > 0 && i + n <= text.size();
    for (std::size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    if (ok) {
      s.append(text.substr(i, n));
      i += n;
    } else {
      hex(c);
      ++i;
    }
  }
  return s;
}

std::string compact_number(double v)
{
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e15) {
    char buf[24];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    return std::string(buf, ptr);
  }
  char buf[64];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v); // shortest round trip, exponent when shorter
  if (ec == std::errc() && ptr - buf <= 24)
    return std::string(buf, ptr);
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string format_input_error(const SourceLocation& where, const std::string& field, const std::string& value,
                               const std::string& what)
{
  std::string shown = value;  // resized in place: substr(0, 200) + "..." trips g++ 12's -Warray-bounds
  if (shown.size() > 200) {
    shown.resize(200);
    shown += "...";
  }
  std::string s;
  if (!where.file.empty()) {
    s += escape_text(where.file);
    if (where.line > 0) {
      s += ":" + std::to_string(where.line);
      if (where.column > 0)
        s += ":" + std::to_string(where.column);
    }
    s += ": ";
  }
  if (!field.empty())
    s += "field '" + escape_text(field) + "'" +
         (value.empty() ? std::string(": ") : " = '" + escape_text(shown) + "': ");
  else if (!value.empty())
    s += "'" + escape_text(shown) + "': ";
  s += escape_text(what);
  return s;
}

InputError::InputError(SourceLocation where, std::string field, std::string value, const std::string& what)
    : std::runtime_error(format_input_error(where, field, value, what))
    , where_(std::move(where))
    , field_(std::move(field))
    , value_(std::move(value))
    , description_(what)
{
}

InputError InputError::in_file(const std::string& file) const
{
  if (!where_.file.empty() || file.empty())
    return *this;
  return InputError(SourceLocation{file, where_.line, where_.column}, field_, value_, description_);
}

IoError::IoError(std::string path, const std::string& what)
    : std::runtime_error(escape_text(path) + ": " + escape_text(what))
    , path_(std::move(path))
{
}

} // namespace v2x
