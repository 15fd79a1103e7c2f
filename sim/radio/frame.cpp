// Frame sizes: see frame.hpp for the sources of every figure.
#include "radio/frame.hpp"

#include <cmath>
#include <stdexcept>

namespace v2x::radio {

namespace {

// Bytes of an OER length determinant (ITU-T X.696 §8.6): short form below 128, else 1 + the bytes of the length.
std::uint32_t oer_length_b(std::uint32_t n)
{
  if (n < 128)
    return 1;
  std::uint32_t bytes = 0;
  for (std::uint32_t v = n; v != 0; v >>= 8)
    ++bytes;
  return 1 + bytes;
}

} // namespace

std::uint32_t cam_payload_b(const CamSizes& s, const CamContent& c)
{
  double uper_b = s.header_b + s.basic_container_b + s.high_frequency_b;
  if (c.low_frequency)
    uper_b += s.low_frequency_b + s.path_point_b * c.path_points;
  if (c.special_vehicle)
    uper_b += s.special_vehicle_b;
  const auto cam_b = static_cast<std::uint32_t>(std::ceil(uper_b));
  if (c.signer == CamSigner::Unsigned)
    return cam_b;
  const double signer_b = c.signer == CamSigner::Certificate ? s.signer_certificate_b : s.signer_digest_b;
  // the CAM is the unsecuredData OCTET STRING of the signed payload: its length determinant comes with it
  return cam_b + oer_length_b(cam_b) + static_cast<std::uint32_t>(std::ceil(s.security_b + signer_b));
}

CamContentClock::CamContentClock(std::uint32_t path_points, bool public_transport, double lf_interval_s,
                                 double certificate_interval_s)
    : path_points_(path_points)
    , public_transport_(public_transport)
    , lf_interval_s_(lf_interval_s)
    , certificate_interval_s_(certificate_interval_s)
{
}

CamContent CamContentClock::next(double t_s)
{
  CamContent c;
  if (last_lf_s_ < 0 || t_s - last_lf_s_ >= lf_interval_s_) {
    c.low_frequency = true;
    c.path_points = path_points_;
    c.special_vehicle = public_transport_;
    last_lf_s_ = t_s;
  }
  if (last_cert_s_ < 0 || t_s - last_cert_s_ >= certificate_interval_s_) {
    c.signer = CamSigner::Certificate;
    last_cert_s_ = t_s;
  }
  return c;
}

std::uint32_t mqtt_publish_b(std::uint32_t topic_len, std::uint32_t payload_b, int qos)
{
  const std::uint64_t remaining = 2ULL + topic_len + (qos >= 1 ? 2 : 0) + payload_b;
  // Remaining Length (§2.2.3): 7 bits per byte, at most 4 bytes (268,435,455).
  if (remaining > 268435455ULL)
    throw std::invalid_argument("MQTT PUBLISH larger than the 256 MB the Remaining Length can encode");
  const std::uint32_t varint_b = remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4;
  return static_cast<std::uint32_t>(1 + varint_b + remaining);
}

std::uint32_t frame_b(const LowerHeaders& h, std::uint32_t mqtt_b)
{
  return mqtt_b + h.tcp_b + h.ip_b() + h.llc_snap_b + h.mac_b + h.fcs_b;
}

std::uint32_t uplink_frame_b(const UplinkFrameSpec& spec, std::uint32_t topic_len, const CamContent& content)
{
  const std::uint32_t payload = spec.payload_b > 0 ? spec.payload_b : cam_payload_b(spec.cam, content);
  return frame_b(spec.headers, mqtt_publish_b(topic_len, payload, spec.qos));
}

} // namespace v2x::radio
