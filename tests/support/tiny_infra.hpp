#pragma once
// A small fluent builder of InfrastructureConfig for tests, so that simulation tests need no files:
//
//   InfrastructureConfig cfg = TinyInfra().mec("m0", 0, 0).mec("m1", 1000, 0)
//                                  .rsu("r0", 0, 0, "m0").rsu("r1", 1000, 0, "m1").build();
//
// build() fills what the scenario loader fills when the scenario leaves it empty: one broker per MEC
// ("broker-<mec>") plus "broker-cloud", and the default backhaul (each RSU to its MEC, the MECs in a full
// mesh, each MEC to the cloud) with the rsu_link / mec_link / cloud_link figures. Explicit link() or broker()
// calls replace the corresponding defaults, as in a scenario.
#include "config/scenario.hpp"
#include "proto/scenario_defaults.hpp"

#include <optional>
#include <string>
#include <utility>

namespace v2x::test {

class TinyInfra {
public:
  TinyInfra& mec(std::string id, double x_m, double y_m, std::uint32_t cores = 16)
  {
    MecConfig m = schema_mec();
    m.id = std::move(id);
    m.x_m = x_m;
    m.y_m = y_m;
    m.cores = cores;
    cfg_.mecs.push_back(std::move(m));
    return *this;
  }
  /// An RSU whose backhaul goes to `mec` (empty: the nearest MEC, as in a scenario).
  TinyInfra& rsu(std::string id, double x_m, double y_m, std::string mec)
  {
    RsuConfig r = schema_rsu();
    r.id = std::move(id);
    r.x_m = x_m;
    r.y_m = y_m;
    r.mec = std::move(mec);
    cfg_.rsus.push_back(std::move(r));
    return *this;
  }
  TinyInfra& router(std::string id)
  {
    cfg_.routers.push_back(std::move(id));
    return *this;
  }
  /// An explicit backhaul link; once there is one, build() adds no default link.
  TinyInfra& link(std::string from, std::string to, double bandwidth_bps, double latency_s)
  {
    cfg_.links.push_back(LinkConfig{std::move(from), std::move(to), bandwidth_bps, latency_s});
    return *this;
  }
  /// An explicit broker; once there is one, build() adds no default broker.
  TinyInfra& broker(std::string id, std::string site, double service_flops = 20000)
  {
    cfg_.brokers.push_back(BrokerConfig{std::move(id), std::move(site), service_flops});
    return *this;
  }

  // Figures applied to every RSU's cell at build().
  TinyInfra& cell_capacity(double bps)
  {
    cell_capacity_bps_ = bps;
    return *this;
  }
  TinyInfra& cell_latency(double s)
  {
    cell_latency_s_ = s;
    return *this;
  }
  TinyInfra& cell_radius(double m)
  {
    cell_radius_m_ = m;
    return *this;
  }
  // Figures of the default backhaul and of the registry links.
  TinyInfra& rsu_link(double bandwidth_bps, double latency_s)
  {
    cfg_.rsu_link_bandwidth_bps = bandwidth_bps;
    cfg_.rsu_link_latency_s = latency_s;
    return *this;
  }
  TinyInfra& mec_link(double bandwidth_bps, double latency_s)
  {
    cfg_.mec_link_bandwidth_bps = bandwidth_bps;
    cfg_.mec_link_latency_s = latency_s;
    return *this;
  }
  TinyInfra& cloud_link(double bandwidth_bps, double latency_s)
  {
    cfg_.cloud.link_bandwidth_bps = bandwidth_bps;
    cfg_.cloud.link_latency_s = latency_s;
    return *this;
  }
  TinyInfra& registry_link(double bandwidth_bps, double latency_s)
  {
    cfg_.image_registry_bandwidth_bps = bandwidth_bps;
    cfg_.image_registry_latency_s = latency_s;
    return *this;
  }
  TinyInfra& cloud_at(double x_m, double y_m)
  {
    cfg_.cloud.x_m = x_m;
    cfg_.cloud.y_m = y_m;
    return *this;
  }
  /// Direct access for anything the setters do not cover.
  InfrastructureConfig& config() { return cfg_; }

  InfrastructureConfig build() const
  {
    InfrastructureConfig cfg = cfg_;
    for (RsuConfig& r : cfg.rsus) {
      if (r.mec.empty() && !cfg.mecs.empty()) { // the loader's rule: the nearest MEC, the first on ties
        double best = -1;
        for (const MecConfig& m : cfg.mecs) {
          double d2 = (m.x_m - r.x_m) * (m.x_m - r.x_m) + (m.y_m - r.y_m) * (m.y_m - r.y_m);
          if (best < 0 || d2 < best) {
            best = d2;
            r.mec = m.id;
          }
        }
      }
      if (cell_capacity_bps_)
        r.cell_capacity_bps = *cell_capacity_bps_;
      if (cell_latency_s_)
        r.cell_latency_s = *cell_latency_s_;
      if (cell_radius_m_)
        r.cell_radius_m = *cell_radius_m_;
    }
    if (cfg.brokers.empty()) {
      for (const MecConfig& m : cfg.mecs)
        cfg.brokers.push_back(BrokerConfig{"broker-" + m.id, m.id, schema_broker().service_flops});
      cfg.brokers.push_back(BrokerConfig{"broker-cloud", "cloud", schema_broker().service_flops});
    }
    if (cfg.links.empty()) {
      for (const RsuConfig& r : cfg.rsus)
        if (!r.mec.empty())
          cfg.links.push_back(LinkConfig{r.id, r.mec, cfg.rsu_link_bandwidth_bps, cfg.rsu_link_latency_s});
      for (std::size_t i = 0; i < cfg.mecs.size(); ++i)
        for (std::size_t j = i + 1; j < cfg.mecs.size(); ++j)
          cfg.links.push_back(
              LinkConfig{cfg.mecs[i].id, cfg.mecs[j].id, cfg.mec_link_bandwidth_bps, cfg.mec_link_latency_s});
      for (const MecConfig& m : cfg.mecs)
        cfg.links.push_back(LinkConfig{m.id, "cloud", cfg.cloud.link_bandwidth_bps, cfg.cloud.link_latency_s});
    }
    return cfg;
  }

private:
  InfrastructureConfig cfg_ = schema_defaults().infrastructure;
  std::optional<double> cell_capacity_bps_;
  std::optional<double> cell_latency_s_;
  std::optional<double> cell_radius_m_;
};

} // namespace v2x::test
