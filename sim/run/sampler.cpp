#include "run/sampler.hpp"
#include "core/daemon.hpp"

#include <simgrid/s4u.hpp>

namespace v2x {

namespace sg4 = simgrid::s4u;

Sampler::Sampler(double period_s, const StationTable& stations, TwinBook& twins, MecLedger& ledger,
                 const std::vector<SiteInfo>& sites, Recorder& recorder, TelemetryPlane& plane,
                 std::function<void(double)> on_sample)
    : period_s_(period_s), stations_(stations), twins_(twins), ledger_(ledger), sites_(sites), recorder_(recorder)
    , plane_(plane), on_sample_(std::move(on_sample))
{
}

void Sampler::operator()()
{
  daemonize_self();
  if (period_s_ <= 0)
    return;
  std::vector<double> busy_before(sites_.size(), 0.0);
  std::vector<MecSample> rows(sites_.size());
  for (double t = period_s_;; t += period_s_) {
    sg4::this_actor::sleep_until(t);
    plane_.sync();
    for (StationId s = 0; s < stations_.size(); ++s) {
      const StationView& v = stations_.view(s);
      TwinRecord& r = twins_.record(s);
      if (!v.present && r.deployed == kNone && !r.busy)
        continue;
      TwinSample row;
      row.time = t;
      row.station = s;
      row.site = v.twin_site;
      row.state = r.busy && r.removal_pending ? TwinState::Stopping
                  : r.serving != kNone        ? (r.busy ? TwinState::Migrating : TwinState::Serving)
                                              : (r.busy ? TwinState::Starting : TwinState::Absent);
      row.age_of_information = twins_.age_of_information(s, t);
      recorder_.twin_sample(row);
    }
    for (SiteId site = 0; site < sites_.size(); ++site) {
      const SiteLoad& l = ledger_.load(site);
      MecSample row;
      row.time = t;
      row.site = site;
      row.cpu_reserved_cores = l.cpu_reserved;
      row.memory_reserved_mb = l.memory_reserved;
      row.pods = l.pods;
      row.ops_in_flight = l.ops_in_flight;
      row.cpu_busy = (l.busy_core_s - busy_before[site]) / (period_s_ * sites_[site].cores);
      busy_before[site] = l.busy_core_s;
      rows[site] = row;
    }
    plane_.sample_channels(t, period_s_);
    if (on_sample_)
      on_sample_(t);
    // Energy last: reading the plugin's meter is a simcall (the sampler yields), so nothing the sampler reads from
    // the plane comes after it. The busy term uses the busy core-seconds read above, at t.
    if (energy_ != nullptr)
      energy_->update_all();
    for (SiteId site = 0; site < sites_.size(); ++site) {
      if (energy_ != nullptr)
        rows[site].energy_j = energy_->energy_j(site, busy_before[site]);
      recorder_.mec_sample(rows[site]);
    }
  }
}

} // namespace v2x
