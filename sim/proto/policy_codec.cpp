#include "proto/policy_codec.hpp"

#include "core/error.hpp"
#include "policy.pb.h"


namespace v2x::wire {
namespace {

namespace pp = v2x::pb::policy;

pp::Trigger to_pb(MigrationTrigger t)
{
  switch (t) {
    case MigrationTrigger::Appear:
      return pp::APPEAR;
    case MigrationTrigger::Handover:
      return pp::HANDOVER;
    case MigrationTrigger::Tick:
      return pp::TICK;
    case MigrationTrigger::Api:
      return pp::API;
    case MigrationTrigger::Fault:
      return pp::RECOVERY;
    case MigrationTrigger::Leave:
      break;
  }
  return pp::TRIGGER_UNSPECIFIED;
}

MigrationTrigger from_pb(pp::Trigger t)
{
  switch (t) {
    case pp::APPEAR:
      return MigrationTrigger::Appear;
    case pp::HANDOVER:
      return MigrationTrigger::Handover;
    case pp::TICK:
      return MigrationTrigger::Tick;
    case pp::API:
      return MigrationTrigger::Api;
    case pp::RECOVERY:
      return MigrationTrigger::Fault;
    case pp::TRIGGER_UNSPECIFIED:
      break;
  }
  throw InputError({}, "policy protocol", std::to_string(static_cast<int>(t)), "snapshot with an unknown trigger");
}

[[noreturn]] void protocol_error(const std::string& what)
{
  throw InputError({}, "", "", "external policy: " + what);
}

void check_version(bool has, std::uint32_t version, const char* message)
{
  if (!has)
    protocol_error(std::string(message) + " without protocol_version (not a v2xsim policy message?)");
  if (version != kPolicyProtocolVersion)
    protocol_error(std::string(message) + " of protocol version " + std::to_string(version) +
                   ", this v2xsim speaks version " + std::to_string(kPolicyProtocolVersion));
}

} // namespace

std::string encode_snapshot(const PolicySnapshot& s)
{
  pp::Snapshot m;
  m.set_protocol_version(s.protocol_version);
  m.set_time_s(s.time_s);
  m.set_sequence(s.sequence);
  m.set_done(s.done);
  m.set_cloud_site(s.cloud_site);
  for (const StationState& st : s.stations) {
    pp::Station* p = m.add_stations();
    p->set_id(st.id);
    p->set_name(st.name);
    p->set_kind(st.kind == StationKind::Rsu ? pp::RSU : pp::VEHICLE);
    p->set_trigger(to_pb(st.trigger));
    p->set_x_m(st.x_m);
    p->set_y_m(st.y_m);
    p->set_speed_mps(st.speed_mps);
    p->set_heading_deg(st.heading_deg);
    p->set_rsu(st.rsu);
    p->set_rsu_site(st.rsu_site);
    p->set_twin_site(st.twin_site);
    p->set_twin_busy(st.twin_busy);
    p->set_latency_s(st.latency_s);
    p->set_aoi_s(st.aoi_s);
  }
  for (const SiteState& si : s.sites) {
    pp::Site* p = m.add_sites();
    p->set_id(si.id);
    p->set_name(si.name);
    p->set_is_cloud(si.is_cloud);
    p->set_x_m(si.x_m);
    p->set_y_m(si.y_m);
    p->set_cpu_free_cores(si.cpu_free_cores);
    p->set_memory_free_mb(si.memory_free_mb);
    p->set_pods_free(si.pods_free);
    p->set_utilisation(si.utilisation);
    p->set_ops_in_flight(si.ops_in_flight);
    p->set_can_host(si.can_host);
    if (si.down)
      p->set_down(true);  // absent when up: the bytes of a run without faults are unchanged
  }
  for (SiteId c : s.candidate_sites)
    m.add_candidate_sites(c);
  for (const Rejection& r : s.rejections) {
    pp::Rejection* p = m.add_rejections();
    p->set_station(r.station);
    p->set_target_site(r.target_site);
    p->set_time_s(r.time_s);
    p->set_reason(r.reason);
  }
  pp::Totals* t = m.mutable_totals();
  t->set_migrations_started(s.totals.migrations_started);
  t->set_rejections(s.totals.rejections);
  t->set_downtime_s(s.totals.downtime_s);
  t->set_vehicles_present(s.totals.vehicles_present);
  return m.SerializeAsString();
}

std::string encode_decision(const PolicyDecision& d)
{
  pp::Decision m;
  m.set_protocol_version(d.protocol_version);
  for (const PolicyIntent& i : d.intents) {
    pp::Intent* p = m.add_intents();
    p->set_station(i.station);
    p->set_target_site(i.target_site);
  }
  if (!d.error.empty())
    m.set_error(d.error);
  return m.SerializeAsString();
}

PolicyDecision decode_decision(std::string_view bytes)
{
  pp::Decision m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    protocol_error("malformed answer (" + std::to_string(bytes.size()) + " bytes that are not a Decision)");
  if (m.has_error())  // a policy that gives up says why, whatever its version
    protocol_error("the policy reported: " + m.error());
  check_version(m.has_protocol_version(), m.protocol_version(), "answer");
  PolicyDecision d;
  for (const pp::Intent& i : m.intents()) {
    if (!i.has_station())
      protocol_error("an intent without a station");
    d.intents.push_back(PolicyIntent{i.station(), i.target_site()});
  }
  return d;
}

PolicySnapshot decode_snapshot(std::string_view bytes)
{
  pp::Snapshot m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    protocol_error("malformed request (" + std::to_string(bytes.size()) + " bytes that are not a Snapshot)");
  check_version(m.has_protocol_version(), m.protocol_version(), "request");
  PolicySnapshot s;
  s.time_s = m.time_s();
  s.sequence = m.sequence();
  s.done = m.done();
  s.cloud_site = m.cloud_site();
  for (const pp::Station& p : m.stations()) {
    StationState st;
    st.id = p.id();
    st.name = p.name();
    st.kind = p.kind() == pp::RSU ? StationKind::Rsu : StationKind::Vehicle;
    st.trigger = from_pb(p.trigger());
    st.x_m = p.x_m();
    st.y_m = p.y_m();
    st.speed_mps = p.speed_mps();
    st.heading_deg = p.heading_deg();
    st.rsu = p.rsu();
    st.rsu_site = p.rsu_site();
    st.twin_site = p.twin_site();
    st.twin_busy = p.twin_busy();
    st.latency_s = p.latency_s();
    st.aoi_s = p.aoi_s();
    s.stations.push_back(std::move(st));
  }
  for (const pp::Site& p : m.sites())
    s.sites.push_back(SiteState{p.id(), p.name(), p.is_cloud(), p.x_m(), p.y_m(), p.cpu_free_cores(),
                                p.memory_free_mb(), p.pods_free(), p.utilisation(), p.ops_in_flight(), p.can_host(),
                                p.down()});
  for (std::uint32_t c : m.candidate_sites())
    s.candidate_sites.push_back(c);
  for (const pp::Rejection& r : m.rejections())
    s.rejections.push_back(Rejection{r.station(), r.target_site(), r.time_s(), r.reason()});
  s.totals = Totals{m.totals().migrations_started(), m.totals().rejections(), m.totals().downtime_s(),
                    m.totals().vehicles_present()};
  return s;
}

} // namespace v2x::wire
