#pragma once
// A folder of its own for one test, removed with everything in it when the test ends.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace v2x::test {

struct TempDir {
  std::filesystem::path dir;
  /// `tag` names the test file, so that leftovers are easy to trace: v2x_<tag>_<pid>_<n>.
  explicit TempDir(const std::string& tag)
  {
    static int counter = 0;
    dir = std::filesystem::temp_directory_path() /
          ("v2x_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// Writes `content` to `name` in the folder; returns its path.
  std::string write(const std::string& name, const std::string& content) const
  {
    std::string p = (dir / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
};

} // namespace v2x::test
