// `cloud`: every twin runs in the cloud.
#include "migration/registry.hpp"

namespace v2x {
namespace {

class CloudPolicy final : public Policy {
public:
  std::string_view name() const override { return "cloud"; }

private:
  void do_decide(const Snapshot&, std::vector<Intent>&) override {}
  SiteId do_place(const Snapshot& s, StationId) override { return s.cloud; }
};

} // namespace

std::unique_ptr<Policy> make_cloud_policy(const Scenario&)
{
  return std::make_unique<CloudPolicy>();
}

} // namespace v2x
