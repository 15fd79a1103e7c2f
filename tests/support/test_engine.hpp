#pragma once
// A SimGrid engine for one simulation test, made as the command line would: argv[0] then the given flags.
#include <simgrid/s4u.hpp>

#include <memory>
#include <string>
#include <vector>

namespace v2x::test {

/// CM02 with no cross traffic and no TCP window: a transfer lasts its route's latency + size / bottleneck share.
inline const std::vector<std::string> kExactFlags{"--cfg=network/model:CM02", "--cfg=network/crosstraffic:0",
                                                  "--cfg=network/TCP-gamma:0"};

class TestEngine {
public:
  explicit TestEngine(const std::vector<std::string>& flags)
  {
    args_.emplace_back("test");
    args_.insert(args_.end(), flags.begin(), flags.end());
    for (std::string& a : args_)
      argv_.push_back(a.data());
    argv_.push_back(nullptr);
    argc_ = static_cast<int>(args_.size());
    engine_ = std::make_unique<simgrid::s4u::Engine>(&argc_, argv_.data());
  }
  simgrid::s4u::Engine& operator*() { return *engine_; }

private:
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  int argc_ = 0;
  std::unique_ptr<simgrid::s4u::Engine> engine_;
};

} // namespace v2x::test
