#include "mobility/input_stream.hpp"

#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace v2x {

namespace {

constexpr std::size_t kCompressedChunk = 256 * 1024;
constexpr std::size_t kTextChunk = 4 * 1024 * 1024;         // bytes read per fill, once the buffer has grown
constexpr std::size_t kFirstChunk = 64 * 1024;              // first buffer: small files need no more (fill() doubles it)
constexpr std::size_t kMaxRecord = 256 * 1024 * 1024;        // a single unconsumed record larger than this is an error

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Number of '\n' in [b, e): eight bytes at a time (a zero-byte test on word ^ "\n\n\n..."), several times
// faster than a byte loop at -O2.
std::size_t count_newlines(const char* b, const char* e)
{
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  std::size_t n = 0;
  while (e - b >= 8) {
    std::uint64_t acc = 0;  // per-byte counters, folded before any can pass 255
    for (int i = 0; i < 255 && e - b >= 8; ++i, b += 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, b, 8);
      std::uint64_t x = w ^ (kOnes * '\n');
      std::uint64_t t = ((x & kLow7) + kLow7) | x;  // high bit set in each byte of x that is not zero
      acc += (~t & ~kLow7) >> 7;
    }
    n += static_cast<std::size_t>((acc * kOnes) >> 56);
  }
  for (; b < e; ++b)
    n += *b == '\n';
  return n;
}

} // namespace

struct InputStream::Impl {
  std::string path;
  std::unique_ptr<std::FILE, FileCloser> file;
  Compression compression = Compression::None;
  std::vector<unsigned char> in;  // compressed input window
  std::uint64_t compressed_offset = 0;  // bytes of the file handed to the decoder so far
  bool file_eof = false;
  bool finished = false;  // decoder reached the end of the last stream and the file has no more bytes
  z_stream z{};
  bool z_init = false;
  lzma_stream x = LZMA_STREAM_INIT;
  bool x_init = false;

  ~Impl()
  {
    if (z_init)
      inflateEnd(&z);
    if (x_init)
      lzma_end(&x);
  }

  [[noreturn]] void fail(const std::string& what) const
  {
    throw InputError({path, 0, 0}, "", "", what + " (at byte " + std::to_string(compressed_offset) +
                                              " of the compressed file)");
  }

  // Refills the compressed input window when it is empty; false at the end of the file.
  bool refill_input(const unsigned char*& next, std::size_t& avail)
  {
    if (avail > 0)
      return true;
    if (file_eof)
      return false;
    std::size_t got = std::fread(in.data(), 1, in.size(), file.get());
    if (got < in.size()) {
      if (std::ferror(file.get()))
        throw InputError({path, 0, 0}, "", "", std::string("read error: ") + std::strerror(errno));
      file_eof = true;
    }
    next = in.data();
    avail = got;
    return got > 0;
  }

  std::size_t read_plain(char* dst, std::size_t n)
  {
    std::size_t got = std::fread(dst, 1, n, file.get());
    if (got < n && std::ferror(file.get()))
      throw InputError({path, 0, 0}, "", "", std::string("read error: ") + std::strerror(errno));
    return got;
  }

  std::size_t read_gzip(char* dst, std::size_t n)
  {
    if (finished)
      return 0;
    z.next_out = reinterpret_cast<Bytef*>(dst);
    z.avail_out = static_cast<uInt>(n);
    while (z.avail_out > 0) {
      const unsigned char* next = z.next_in;
      std::size_t avail = z.avail_in;
      if (!refill_input(next, avail)) {
        if (z.avail_out < n)  // return what we have; the next call reports the truncation
          break;
        fail("truncated gzip data: the compressed stream ends before its end marker");
      }
      z.next_in = const_cast<Bytef*>(next);
      z.avail_in = static_cast<uInt>(avail);
      uInt before = z.avail_in;
      int rc = inflate(&z, Z_NO_FLUSH);
      compressed_offset += before - z.avail_in;
      if (rc == Z_STREAM_END) {
        // Another gzip member may follow (concatenated .gz files are valid gzip).
        const unsigned char* nx = z.next_in;
        std::size_t av = z.avail_in;
        if (!refill_input(nx, av)) {
          finished = true;
          break;
        }
        z.next_in = const_cast<Bytef*>(nx);
        z.avail_in = static_cast<uInt>(av);
        inflateReset(&z);
        continue;
      }
      if (rc == Z_BUF_ERROR)
        continue;  // needs more input: the loop refills
      if (rc != Z_OK)
        fail(std::string("corrupt gzip data: ") + (z.msg ? z.msg : "inflate error " + std::to_string(rc)));
    }
    return n - z.avail_out;
  }

  std::size_t read_xz(char* dst, std::size_t n)
  {
    if (finished)
      return 0;
    x.next_out = reinterpret_cast<uint8_t*>(dst);
    x.avail_out = n;
    while (x.avail_out > 0) {
      const unsigned char* next = x.next_in;
      std::size_t avail = x.avail_in;
      bool more = refill_input(next, avail);
      x.next_in = next;
      x.avail_in = avail;
      std::size_t before = x.avail_in;
      lzma_ret rc = lzma_code(&x, more ? LZMA_RUN : LZMA_FINISH);
      compressed_offset += before - x.avail_in;
      if (rc == LZMA_STREAM_END) {
        finished = true;
        break;
      }
      if (rc == LZMA_OK)
        continue;
      if (rc == LZMA_BUF_ERROR && !more) {
        if (x.avail_out < n)
          break;
        fail("truncated xz data: the compressed stream ends before its end marker");
      }
      if (rc == LZMA_BUF_ERROR)
        continue;
      if (rc == LZMA_MEM_ERROR || rc == LZMA_MEMLIMIT_ERROR)
        fail("out of memory while decompressing xz data");
      fail("corrupt xz data (liblzma error " + std::to_string(static_cast<int>(rc)) + ")");
    }
    return n - x.avail_out;
  }
};

InputStream::InputStream(const std::string& path) : impl_(std::make_unique<Impl>())
{
  Impl& s = *impl_;
  s.path = path;
  s.file.reset(std::fopen(path.c_str(), "rb"));
  if (!s.file)
    throw InputError({path, 0, 0}, "", "", std::string("cannot open trace file: ") + std::strerror(errno));
  unsigned char magic[6] = {};
  std::size_t got = std::fread(magic, 1, sizeof magic, s.file.get());
  if (std::ferror(s.file.get()))
    throw InputError({path, 0, 0}, "", "", std::string("read error: ") + std::strerror(errno));
  std::rewind(s.file.get());
  static const unsigned char kXz[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
  static const unsigned char kZstd[4] = {0x28, 0xB5, 0x2F, 0xFD};
  if (got >= 2 && magic[0] == 0x1F && magic[1] == 0x8B) {
    s.compression = Compression::Gzip;
    if (inflateInit2(&s.z, 15 + 16) != Z_OK)
      throw InputError({path, 0, 0}, "", "", "cannot initialise zlib");
    s.z_init = true;
  } else if (got >= 6 && std::memcmp(magic, kXz, 6) == 0) {
    s.compression = Compression::Xz;
    if (lzma_stream_decoder(&s.x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
      throw InputError({path, 0, 0}, "", "", "cannot initialise liblzma");
    s.x_init = true;
  } else if (got >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
    throw InputError({path, 0, 0}, "", "bzip2", "unsupported compression: use plain, gzip (.gz) or xz (.xz)");
  } else if (got >= 4 && std::memcmp(magic, kZstd, 4) == 0) {
    throw InputError({path, 0, 0}, "", "zstd", "unsupported compression: use plain, gzip (.gz) or xz (.xz)");
  }
  if (s.compression != Compression::None)
    s.in.resize(kCompressedChunk);
}

InputStream::~InputStream() = default;
InputStream::InputStream(InputStream&&) noexcept = default;
InputStream& InputStream::operator=(InputStream&&) noexcept = default;

std::size_t InputStream::read(char* dst, std::size_t n)
{
  switch (impl_->compression) {
  case Compression::Gzip:
    return impl_->read_gzip(dst, n);
  case Compression::Xz:
    return impl_->read_xz(dst, n);
  case Compression::None:
    break;
  }
  return impl_->read_plain(dst, n);
}

Compression InputStream::compression() const { return impl_->compression; }
const std::string& InputStream::path() const { return impl_->path; }

// ---------------------------------------------------------------------------------------------------------------

TextBuffer::TextBuffer(const std::string& path) : stream_(path) { data_.resize(kFirstChunk); }

bool TextBuffer::fill()
{
  if (eof_)
    return false;
  // Discard the consumed prefix (counting its lines), keep the rest at the front.
  if (pos_ > 0) {
    line_base_ += static_cast<int>(count_newlines(data_.data(), data_.data() + pos_));
    std::memmove(data_.data(), data_.data() + pos_, size_ - pos_);
    size_ -= pos_;
    pos_ = 0;
  }
  if (data_.size() - size_ < kTextChunk / 2) {
    if (data_.size() >= kMaxRecord)
      fail(end(), "", "", "a single record is longer than " + std::to_string(kMaxRecord >> 20) + " MiB");
    data_.resize(data_.size() * 2);
  }
  std::size_t got = 0;
  try {
    got = stream_.read(data_.data() + size_, data_.size() - size_);
  } catch (const InputError& e) {
    // Add the line reached in the decompressed text.
    throw InputError({path(), line_of(end()), 0}, "", "", e.what());
  }
  size_ += got;
  if (got == 0)
    eof_ = true;
  return got > 0;
}

const char* TextBuffer::first_nonblank()
{
  for (;;) {
    const char* p = begin();
    const char* e = end();
    if (e - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
      p += 3;
    } else if (e - p < 3 && e > p && static_cast<unsigned char>(*p) == 0xEF && !eof_) {
      fill();  // maybe a byte-order mark cut by the chunk boundary
      continue;
    }
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
      ++p;
    consume_to(p);
    if (p < e)
      return p;
    if (!fill())
      return nullptr;
  }
}

int TextBuffer::line_of(const char* p) const
{
  return line_base_ + static_cast<int>(count_newlines(data_.data(), p));
}

void TextBuffer::fail(const char* p, std::string field, std::string value, const std::string& what) const
{
  throw InputError({path(), line_of(p), 0}, std::move(field), std::move(value), what);
}

} // namespace v2x
