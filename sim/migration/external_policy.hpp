#pragma once
// `external`: a policy in another process, over the policy protocol (sim/proto/policy.proto) on a ZeroMQ REQ
// socket. Either v2xsim starts the process (migration.external.command, run through /bin/sh with
// V2X_POLICY_ENDPOINT=ipc://... in its environment, in a process group of its own) or it connects to a running one
// (migration.external.endpoint, loopback only). Each answer is awaited at most migration.external.timeout_s of wall
// time; a process that exits, a timeout, bytes that are not a Decision or a wrong protocol version throw InputError
// (the run fails with exit status 2 and writes no output). The destructor ends the conversation and kills and
// reaps the process on every path.
#include "config/scenario.hpp"
#include "migration/policy.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace v2x {

class ExternalPolicy final : public Policy, public BatchDecider {
public:
  explicit ExternalPolicy(ExternalPolicyConfig config, std::string scenario_file = {});
  ~ExternalPolicy() override;
  ExternalPolicy(const ExternalPolicy&) = delete;
  ExternalPolicy& operator=(const ExternalPolicy&) = delete;

  std::string_view name() const override { return "external"; }
  BatchDecider* batch() override { return this; }

  /// Checks the configuration, starts the process (command) and connects. InputError naming the field otherwise.
  void open() override;
  wire::PolicyDecision decide_batch(const wire::PolicySnapshot& s) override;
  void finish(const wire::PolicySnapshot& s) noexcept override;

  /// Round trips so far and their total wall time (encode, send, wait, receive, decode).
  std::uint64_t round_trips() const override { return round_trips_; }
  double round_trip_s() const override { return round_trip_s_; }
  const std::string& endpoint() const { return endpoint_; }

private:
  void do_decide(const Snapshot&, std::vector<Intent>&) override;
  SiteId do_place(const Snapshot&, StationId) override;
  /// Sends `request` and returns the answer's bytes; InputError on exit of the process or timeout.
  std::string exchange(const std::string& request);
  /// "exited with status N" / "killed by signal N" once the child has ended, else empty (reaps it).
  std::string child_ended();
  void stop_child() noexcept;

  ExternalPolicyConfig config_;
  std::string scenario_file_;
  std::string endpoint_;
  std::string ipc_path_;  // socket file to remove (command mode)
  pid_t child_ = 0;  // > 0: running child; < 0: -pid of a reaped child (its group may live on); 0: none
  struct Socket;
  std::unique_ptr<Socket> socket_;
  bool broken_ = false;   // the conversation failed or ended: nothing more to send
  bool goodbye_ = false;  // the policy answered the end of the run (it may exit on its own)
  std::uint64_t round_trips_ = 0;
  double round_trip_s_ = 0;
};

} // namespace v2x
