#pragma once
// Byte-level input for the trace readers: a file, plain or compressed (gzip or xz, detected from the magic bytes,
// not from the name), decompressed as it is read, behind a growable text buffer that readers scan in place.
// Memory: one buffer (a few MiB, more only for a single record longer than that). No SimGrid here.
#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace v2x {

enum class Compression { None, Gzip, Xz };

/// Decompressing byte stream over a file.
class InputStream {
public:
  /// Opens `path` and detects the compression. Throws InputError if the file cannot be opened, or is compressed
  /// with a method that is not supported (bzip2, zstd).
  explicit InputStream(const std::string& path);
  ~InputStream();
  InputStream(InputStream&&) noexcept;
  InputStream& operator=(InputStream&&) noexcept;

  /// Reads up to `n` decompressed bytes into `dst`; returns 0 only at the end of the data. Throws InputError
  /// (file, no line: the caller adds it) on corrupt or truncated compressed data and on read errors.
  std::size_t read(char* dst, std::size_t n);
  Compression compression() const;
  const std::string& path() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A window of decompressed text that readers scan with raw pointers. `begin()..end()` is the unconsumed data;
/// `fill()` keeps it (moving it to the front) and appends more, so pointers must be re-read after a fill.
/// Line numbers are counted lazily: only discarded data and error positions are scanned for '\n'.
class TextBuffer {
public:
  explicit TextBuffer(const std::string& path);

  const char* begin() const { return data_.data() + pos_; }
  const char* end() const { return data_.data() + size_; }
  /// Marks everything before `p` (a pointer into the current window) as consumed.
  void consume_to(const char* p) { pos_ = static_cast<std::size_t>(p - data_.data()); }
  /// Appends more data after end(); false when the input is exhausted (nothing was added).
  bool fill();
  /// True once fill() has returned false.
  bool at_eof() const { return eof_; }
  /// Consumes a UTF-8 byte-order mark and blanks, filling as needed. Returns a pointer to the first non-blank
  /// byte (== begin()), or nullptr for an input that is empty or all blank.
  const char* first_nonblank();

  /// 1-based line number of position p (a pointer into the current window, or end()).
  int line_of(const char* p) const;
  const std::string& path() const { return stream_.path(); }
  Compression compression() const { return stream_.compression(); }
  /// Throws InputError at the line of p.
  [[noreturn]] void fail(const char* p, std::string field, std::string value, const std::string& what) const;

private:
  InputStream stream_;
  std::vector<char> data_;
  std::size_t pos_ = 0;   // start of the unconsumed data
  std::size_t size_ = 0;  // end of the valid data
  int line_base_ = 1;     // line number at data_[0]
  bool eof_ = false;
};

} // namespace v2x
