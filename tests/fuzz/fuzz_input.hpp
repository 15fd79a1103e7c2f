#pragma once
// Shared by the input harnesses (fuzz_scenario, fuzz_sweep, fuzz_sites, fuzz_platform, fuzz_manifest,
// fuzz_cli): the input as an in-memory file, and `guard`, which runs one input and turns every outcome other
// than success or an InputError (another exception; a crash or sanitizer report aborts by itself) into a
// finding. An InputError's message must hold no raw control byte (core/error.hpp's promise).
#include "core/error.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace v2x::fuzz {

inline void finding(const char* what)
{
  std::fprintf(stderr, "v2x fuzz finding: %s\n", what);
  std::abort();
}

/// The bytes as a file with a path: a memfd rewritten for each input (one per name).
inline std::string input_file(const char* name, std::string_view bytes)
{
  const int fd = memfd_create(name, 0);
  if (fd < 0)
    finding("cannot make the in-memory input file");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n <= 0)
      finding("cannot write the in-memory input file");
    done += static_cast<std::size_t>(n);
  }
  static std::vector<int> open_fds; // closed at the next input
  for (int old : open_fds)
    close(old);
  open_fds.clear();
  open_fds.push_back(fd);
  return "/proc/self/fd/" + std::to_string(fd);
}

inline void check_message(const std::string& what)
{
  for (const char c : what)
    if ((static_cast<unsigned char>(c) < 0x20) || c == 0x7f)
      finding("raw control byte in an error message");
}

template <class F> int guard(F&& body)
{
  try {
    body();
  } catch (const InputError& e) {
    check_message(e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception other than InputError: %s\n", e.what());
    finding("unexpected exception");
  }
  return 0;
}

/// Splits `text` at '\n' (a line per argument, for --set lists and argv).
inline std::vector<std::string> lines(std::string_view text)
{
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size() && out.size() < 64) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    out.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

} // namespace v2x::fuzz
