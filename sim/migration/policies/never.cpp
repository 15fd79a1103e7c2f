// `never`: the twin stays where it was first placed.
#include "migration/registry.hpp"

namespace v2x {
namespace {

class NeverPolicy final : public Policy {
public:
  std::string_view name() const override { return "never"; }

private:
  void do_decide(const Snapshot&, std::vector<Intent>&) override {}
  SiteId do_place(const Snapshot& s, StationId station) override { return rsu_site_or_cloud(s, station); }
};

} // namespace

std::unique_ptr<Policy> make_never_policy(const Scenario&)
{
  return std::make_unique<NeverPolicy>();
}

} // namespace v2x
