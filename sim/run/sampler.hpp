#pragma once
#include "edge/mec_ledger.hpp"
#include "stations/station_table.hpp"
#include "edge/twin_book.hpp"
#include "metrics/recorder.hpp"

namespace v2x {

/// Samples twins (placement, state, age of information) and sites (reservations, busy CPU) periodically.
class Sampler {
public:
  Sampler(double period_s, const StationTable& stations, TwinBook& twins, MecLedger& ledger,
          const std::vector<SiteInfo>& sites, Recorder& recorder);
  void operator()();

private:
  double period_s_;
  const StationTable& stations_;
  TwinBook& twins_;
  MecLedger& ledger_;
  const std::vector<SiteInfo>& sites_;
  Recorder& recorder_;
};

} // namespace v2x
