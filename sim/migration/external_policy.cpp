#include "migration/external_policy.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "proto/policy_codec.hpp"

#include <zmq.hpp>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_migration_external, v2x_migration, "External policy (policy protocol client)");

namespace v2x {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what)
{
  throw InputError({}, "", "", "external policy: " + what);
}

bool loopback_endpoint(const std::string& e)
{
  if (e.rfind("ipc://", 0) == 0)
    return e.size() > 6;
  for (const char* host : {"tcp://127.0.0.1:", "tcp://localhost:", "tcp://[::1]:"}) {
    const std::string prefix(host);
    if (e.rfind(prefix, 0) == 0) {
      const std::string port = e.substr(prefix.size());
      return !port.empty() && port.find_first_not_of("0123456789") == std::string::npos;
    }
  }
  return false;
}

std::string fresh_ipc_path()
{
  static std::atomic<unsigned> counter{0};
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/v2xsim-policy-" + std::to_string(::getpid()) +
         "-" + std::to_string(counter++) + ".sock";
}

} // namespace

struct ExternalPolicy::Socket {
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::req};
};

ExternalPolicy::ExternalPolicy(ExternalPolicyConfig config, std::string scenario_file)
    : config_(std::move(config)), scenario_file_(std::move(scenario_file))
{
}

ExternalPolicy::~ExternalPolicy()
{
  stop_child();
  socket_.reset();
  if (!ipc_path_.empty())
    ::unlink(ipc_path_.c_str());
}

void ExternalPolicy::do_decide(const Snapshot&, std::vector<Intent>&)
{
  throw std::logic_error("the external policy decides per instant (batch())");
}

SiteId ExternalPolicy::do_place(const Snapshot&, StationId)
{
  throw std::logic_error("the external policy decides per instant (batch())");
}

void ExternalPolicy::open()
{
  const SourceLocation where{scenario_file_};
  if (config_.command.empty() == config_.endpoint.empty())
    throw InputError(where, "migration.external", config_.command.empty() ? "" : config_.command,
                     "the external policy needs exactly one of command (--policy-command) and endpoint "
                     "(--policy-endpoint)");
  if (!(config_.timeout_s > 0) || config_.timeout_s > 86400)
    throw InputError(where, "migration.external.timeout_s", std::to_string(config_.timeout_s),
                     "must be a number of seconds > 0 and <= 86400");
  if (!config_.endpoint.empty()) {
    if (!loopback_endpoint(config_.endpoint))
      throw InputError(where, "migration.external.endpoint", config_.endpoint,
                       "must be ipc://PATH or tcp://127.0.0.1:PORT, tcp://localhost:PORT, tcp://[::1]:PORT "
                       "(loopback only)");
    endpoint_ = config_.endpoint;
  } else {
    ipc_path_ = fresh_ipc_path();
    endpoint_ = "ipc://" + ipc_path_;
  }
  socket_ = std::make_unique<Socket>();
  socket_->socket.set(zmq::sockopt::linger, 0);
  if (endpoint_.rfind("tcp://[", 0) == 0)
    socket_->socket.set(zmq::sockopt::ipv6, 1);
  try {
    socket_->socket.connect(endpoint_);
  } catch (const zmq::error_t& e) {
    throw InputError(where, "migration.external.endpoint", endpoint_, std::string("cannot connect: ") + e.what());
  }
  if (config_.command.empty())
    return;
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0)
    throw InputError(where, "migration.external.command", config_.command, "cannot start it (fork failed)");
  if (pid == 0) {  // the child: its own process group (killed as a whole), killed with v2xsim
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(127);
    ::setenv("V2X_POLICY_ENDPOINT", endpoint_.c_str(), 1);
    ::execl("/bin/sh", "sh", "-c", config_.command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from here, so that the group exists before any kill
  child_ = pid;
  XBT_INFO("started policy process %d (%s) on %s", static_cast<int>(pid), config_.command.c_str(), endpoint_.c_str());
}

std::string ExternalPolicy::child_ended()
{
  if (child_ <= 0)
    return {};
  int status = 0;
  const pid_t r = ::waitpid(child_, &status, WNOHANG);
  if (r != child_)
    return {};
  child_ = -child_;  // reaped; its group may still hold processes (stop_child kills them)
  if (WIFEXITED(status))
    return "the policy process exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "the policy process was killed by signal " + std::to_string(WTERMSIG(status));
  return "the policy process ended";
}

std::string ExternalPolicy::exchange(const std::string& request)
{
  zmq::socket_t& sock = socket_->socket;
  try {
    sock.send(zmq::buffer(request), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    broken_ = true;
    fail(std::string("cannot send to ") + endpoint_ + ": " + e.what());
  }
  const auto deadline = Clock::now() + std::chrono::duration<double>(config_.timeout_s);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    // Short slices while a child runs, to notice its exit at once.
    const auto slice = child_ > 0 ? std::min(left, std::chrono::milliseconds(20)) : left;
    zmq::pollitem_t item{static_cast<void*>(sock), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::max(slice, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) {
        broken_ = true;
        fail(std::string("poll failed: ") + e.what());
      }
    }
    if ((item.revents & ZMQ_POLLIN) != 0) {
      zmq::message_t reply;
      if (!sock.recv(reply, zmq::recv_flags::dontwait))
        continue;
      if (reply.more()) {
        broken_ = true;
        fail("malformed answer (a multipart message; one frame with a Decision expected)");
      }
      return reply.to_string();
    }
    if (const std::string ended = child_ended(); !ended.empty()) {
      broken_ = true;
      fail(ended + " before answering (command: " + config_.command + ")");
    }
    if (Clock::now() >= deadline) {
      broken_ = true;
      fail("no answer within migration.external.timeout_s = " + std::to_string(config_.timeout_s) + " s from " +
           endpoint_ + (config_.command.empty() ? "" : " (command: " + config_.command + ")"));
    }
  }
}

wire::PolicyDecision ExternalPolicy::decide_batch(const wire::PolicySnapshot& s)
{
  const auto start = Clock::now();
  const std::string answer = exchange(wire::encode_snapshot(s));
  try {
    wire::PolicyDecision d = wire::decode_decision(answer);
    round_trip_s_ += std::chrono::duration<double>(Clock::now() - start).count();
    ++round_trips_;
    return d;
  } catch (const InputError&) {
    broken_ = true;
    throw;
  }
}

void ExternalPolicy::finish(const wire::PolicySnapshot& s) noexcept
{
  if (socket_ == nullptr || broken_)
    return;
  try {
    const double saved = config_.timeout_s;
    config_.timeout_s = std::min(saved, 2.0);  // the goodbye's answer is a courtesy
    exchange(wire::encode_snapshot(s));
    config_.timeout_s = saved;
    goodbye_ = true;
  } catch (const std::exception& e) {
    XBT_INFO("the policy did not answer the end of the run: %s", e.what());
  }
  broken_ = true;  // nothing more to say
}

void ExternalPolicy::stop_child() noexcept
{
  if (child_ == 0)
    return;
  const pid_t group = child_ > 0 ? child_ : -child_;
  if (group <= 1) {  // never kill(-1) or kill(0): that would signal every process we may signal
    child_ = 0;
    return;
  }
  if (child_ > 0 && goodbye_) {  // a moment to exit on its own after `done`; then SIGTERM, then SIGKILL
    for (int i = 0; i < 50 && child_ended().empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-group, SIGTERM);
  if (child_ > 0) {
    for (int i = 0; i < 50 && child_ended().empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-group, SIGKILL);
  if (child_ > 0) {
    int status = 0;
    ::waitpid(child_, &status, 0);
  }
  child_ = 0;
}

} // namespace v2x
