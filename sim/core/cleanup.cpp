#include "core/cleanup.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace v2x::cleanup {
namespace {

enum State : int { kIdle = 0, kWriting = 1, kCommitting = 2 };

std::atomic<int> g_state{kIdle};
std::atomic<int> g_deferred{0};
char g_path[4096];

extern "C" void on_signal(int sig)
{
  if (g_state.load() == kCommitting) {
    g_deferred.store(sig);
    return;
  }
  if (g_state.load() == kWriting && g_path[0] != '\0')
    ::unlink(g_path);
  ::_exit(128 + sig);
}

} // namespace

void arm(const std::string& path)
{
  g_state.store(kIdle);
  if (path.size() < sizeof g_path) {
    std::memcpy(g_path, path.c_str(), path.size() + 1);
  } else {
    g_path[0] = '\0';
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // Every signal whose default action ends the process and that a user, a shell or a batch system sends (SIGQUIT:
  // Ctrl-\, SIGPIPE: stderr piped into a reader that quit, SIGUSR1/2 and SIGALRM: job schedulers and timeout -s):
  // the run ends with 128 + the signal and no .partial left. SIGKILL and SIGSTOP cannot be caught.
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGXFSZ, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM}) {
    // A signal the parent made the process ignore stays ignored (nohup's SIGHUP; SIGXFSZ ignored: the write
    // then fails with EFBIG and the run ends with an IoError instead).
    struct sigaction old {};
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN)
      continue;
    sigaction(sig, &sa, nullptr);
  }
  g_deferred.store(0);
  g_state.store(kWriting);
}

void begin_commit()
{
  g_state.store(kCommitting);
}

void disarm()
{
  g_state.store(kIdle);
  g_path[0] = '\0';
}

int end_deferral()
{
  if (g_state.load() == kCommitting)
    g_state.store(kIdle);
  g_path[0] = '\0';
  return g_deferred.exchange(0);
}

} // namespace v2x::cleanup
