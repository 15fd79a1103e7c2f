#include "messaging/subscriptions.hpp"

#include <cmath>

namespace v2x {

namespace {
constexpr std::int64_t kNoArea = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kAreaStride = 1 << 20;  // area key = ix * stride + iy (|iy| < 2^19 areas)

std::string area_name(std::int64_t key)
{
  const std::int64_t ix = static_cast<std::int64_t>(std::floor(static_cast<double>(key) / kAreaStride + 0.5));
  const std::int64_t iy = key - ix * kAreaStride;
  return std::to_string(ix) + "_" + std::to_string(iy);
}
} // namespace

Subscriptions::Subscriptions(const StationTable& stations, double area_size_m, std::uint32_t cooperation_areas)
    : stations_(stations), area_size_m_(area_size_m), cooperation_areas_(cooperation_areas)
{
}

std::int64_t Subscriptions::area_of(double x_m, double y_m) const
{
  const auto ix = static_cast<std::int64_t>(std::floor(x_m / area_size_m_));
  const auto iy = static_cast<std::int64_t>(std::floor(y_m / area_size_m_));
  return ix * kAreaStride + iy;
}

const std::string& Subscriptions::topic(StationId station)
{
  const StationView& v = stations_.view(station);
  if (station >= topics_.size())
    topics_.resize(station + 1);
  StationTopic& t = topics_[station];
  const std::int64_t area = area_of(v.x_m, v.y_m);
  if (t.topic.empty() || t.area != area) {
    t.area = area;
    t.topic = "v2x/" + area_name(area) + "/" + stations_.info(station).name +
              (v.kind == StationKind::Rsu ? "/status" : "/cam");
    t.matched_version = std::numeric_limits<std::uint64_t>::max();
  }
  return t.topic;
}

void Subscriptions::match(StationId station, std::vector<StationId>& out)
{
  const std::string& tp = topic(station);
  StationTopic& t = topics_[station];
  if (t.matched_version != version_) {
    t.matched.clear();
    tree_.match(tp, [&t](TopicTree::Subscriber s) { t.matched.push_back(s); });
    t.matched_version = version_;
  }
  out.assign(t.matched.begin(), t.matched.end());
}

std::vector<std::string> Subscriptions::area_filters(std::int64_t area) const
{
  std::vector<std::string> out;
  const auto k = static_cast<std::int64_t>(cooperation_areas_);
  for (std::int64_t dx = -k; dx <= k; ++dx)
    for (std::int64_t dy = -k; dy <= k; ++dy)
      out.push_back("v2x/" + area_name(area + dx * kAreaStride + dy) + "/+/cam");
  return out;
}

void Subscriptions::subscribe(StationId station)
{
  changing();
  if (station >= subscribed_area_.size())
    subscribed_area_.resize(station + 1, kNoArea);
  ++version_;
  tree_.subscribe("v2x/+/" + stations_.info(station).name + "/#", station);
  if (cooperation_areas_ > 0 && stations_.view(station).kind == StationKind::Vehicle) {
    const StationView& v = stations_.view(station);
    subscribed_area_[station] = area_of(v.x_m, v.y_m);
    for (const std::string& f : area_filters(subscribed_area_[station]))
      tree_.subscribe(f, station);
  }
}

void Subscriptions::unsubscribe(StationId station)
{
  changing();
  ++version_;
  tree_.unsubscribe("v2x/+/" + stations_.info(station).name + "/#", station);
  if (station < subscribed_area_.size() && subscribed_area_[station] != kNoArea) {
    for (const std::string& f : area_filters(subscribed_area_[station]))
      tree_.unsubscribe(f, station);
    subscribed_area_[station] = kNoArea;
  }
}

void Subscriptions::moved(StationId station)
{
  if (cooperation_areas_ == 0 || station >= subscribed_area_.size() || subscribed_area_[station] == kNoArea)
    return;
  const StationView& v = stations_.view(station);
  const std::int64_t area = area_of(v.x_m, v.y_m);
  if (area == subscribed_area_[station])
    return;
  ++version_;
  for (const std::string& f : area_filters(subscribed_area_[station]))
    tree_.unsubscribe(f, station);
  subscribed_area_[station] = area;
  for (const std::string& f : area_filters(area))
    tree_.subscribe(f, station);
}

} // namespace v2x
