#pragma once
// The one file a failed run must not leave behind (its `<out>.partial`), removed on every path the process
// controls: the writer's destructor on an exception, and the handlers of the terminating signals armed while
// the file exists (SIGINT, SIGTERM, SIGHUP, SIGXFSZ, SIGQUIT, SIGPIPE, SIGUSR1/2, SIGALRM, SIGVTALRM). A
// handler removes the file and exits with 128 + the signal's number. SIGKILL cannot be caught (nor can a power
// cut): the sweep runner removes the `.partial` files it finds at its next start.
// A signal that arrives while the file is being renamed to its final name (commit) is deferred: the output is
// complete, so the process ends normally and its status says so (sweeps count such a run as complete).
#include <string>

namespace v2x::cleanup {

/// Arms the handlers (installed again each time: SimGrid installs its own SIGINT handler when the Engine starts;
/// a signal the process inherited as ignored, e.g. SIGHUP under nohup, stays ignored)
/// and records `path` as the file to remove. Paths longer than 4095 bytes are not removed by a handler.
void arm(const std::string& path);
/// The file is being renamed to its final name: signals from now on are deferred until end_deferral(), so that
/// the process can still report the complete run (its summary) before it ends.
void begin_commit();
/// The partial file is gone (removed, or renamed by a commit that failed): a signal ends the process again.
void disarm();
/// Ends the deferral begun by begin_commit(); returns the signal deferred meanwhile (0 when none).
int end_deferral();

} // namespace v2x::cleanup
