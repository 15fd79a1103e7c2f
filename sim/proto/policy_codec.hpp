#pragma once
// Bytes <-> plain structs for the policy protocol (policy.proto). Decoding checks what a peer can get wrong
// (bytes that are not the message, a wrong protocol version, an unknown trigger) and throws InputError, which the
// command line maps to exit status 2.
#include "proto/policy_messages.hpp"

#include <string>
#include <string_view>

namespace v2x::wire {

std::string encode_snapshot(const PolicySnapshot& s);
std::string encode_decision(const PolicyDecision& d);
/// InputError when `bytes` is not a Decision of kPolicyProtocolVersion, or carries an error from the policy.
PolicyDecision decode_decision(std::string_view bytes);
/// InputError when `bytes` is not a Snapshot of kPolicyProtocolVersion (used by tests and tools).
PolicySnapshot decode_snapshot(std::string_view bytes);

} // namespace v2x::wire
