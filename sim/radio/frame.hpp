#pragma once
// Size on the air of a vehicle's uplink telemetry frame: CAM payload (ETSI EN 302 637-2, signed per ETSI TS 103 097)
// carried in an MQTT PUBLISH over TCP/IP, LLC/SNAP and an 802.11 QoS data frame in OCB mode (802.11p).
// Pure model: no SimGrid, no I/O.
#include <cstdint>

namespace v2x::radio {

/// Encoded sizes of the CAM's parts, in bytes (fractional: UPER packs bits and pads only the whole PDU to a byte).
/// The defaults are the bit widths of the ASN.1 ranges of ETSI TS 102 894-2 (Common Data Dictionary) as used by the
/// CAM of ETSI EN 302 637-2 V1.4.1 (UPER, mandatory fields, no extensions present), and the COER encoding of the
/// IEEE 1609.2 structures profiled by ETSI TS 103 097 V1.3.1; each is worked out below. They are mirrored in
/// sim/proto/scenario.proto (Telemetry.CamSizes).
struct CamSizes {
  // ItsPduHeader (protocolVersion 8 + messageID 8 + stationID 32 bits) + generationDeltaTime 16 bits
  // + CamParameters' extension and two optional bits 3 + the high-frequency CHOICE (extension + index) 2 = 69 bits.
  double header_b = 8.625;
  // BasicContainer: extension bit 1 + stationType 8 + ReferencePosition: latitude 31, longitude 32,
  // PosConfidenceEllipse 3 x 12, altitude value 20 + confidence 4 = 132 bits.
  double basic_container_b = 16.5;
  // BasicVehicleContainerHighFrequency: 7 optional bits + heading 12+7 + speed 14+7 + driveDirection 2
  // + vehicleLength 10+3 + vehicleWidth 6 + longitudinalAcceleration 9+7 + curvature 11+3
  // + curvatureCalculationMode 1+2 + yawRate 16+1+4 = 122 bits.
  double high_frequency_b = 15.25;
  // BasicVehicleContainerLowFrequency: LowFrequencyContainer CHOICE extension bit 1 + vehicleRole 4
  // + exteriorLights 8 + pathHistory length (SIZE 0..40) 6 = 19 bits, without its points.
  double low_frequency_b = 2.375;
  // One PathPoint: optional bit 1 + deltaLatitude 18 + deltaLongitude 18 + deltaAltitude 15 + pathDeltaTime 16
  // = 68 bits.
  double path_point_b = 8.5;
  // SpecialVehicleContainer CHOICE (extension 1 + index 3) + PublicTransportContainer (optional bit 1
  // + embarkationStatus 1), without ptActivation = 6 bits.
  double special_vehicle_b = 0.75;
  // TS 103 097 signed data (COER) without the signer and the payload's length prefix: protocolVersion 1 + content
  // CHOICE 1 + hashId 1 + SignedDataPayload preamble 1 + inner Ieee1609Dot2Data (version 1 + CHOICE 1)
  // + HeaderInfo (preamble 1 + psid 2 + generationTime 8) + Signature (CHOICE 1 + EccP256CurvePoint CHOICE 1
  // + r 32 + s 32) = 83 B.
  double security_b = 83;
  // SignerIdentifier as a digest: CHOICE 1 + HashedId8 8 = 9 B.
  double signer_digest_b = 9;
  // SignerIdentifier as a certificate: CHOICE 1 + SEQUENCE OF length and count 2 + an explicit authorisation ticket
  // (version 1, type 1, issuer 9, toBeSigned: preamble 2, id 2, cracaId 3, crlSeries 2, validityPeriod 7,
  // assuranceLevel 1, appPermissions (CA and DEN with SSP) 15, verifyKeyIndicator 35; signature 66 = 144 B)
  // = 147 B. Real tickets are 130 to 160 B depending on their permissions and region.
  double signer_certificate_b = 147;
};

/// How a CAM is signed (ETSI TS 103 097 V1.3.1 §7.1.1: the full certificate once a second, a digest otherwise).
enum class CamSigner { Unsigned, Digest, Certificate };

/// Which containers one CAM carries.
struct CamContent {
  bool low_frequency = false;    // EN 302 637-2 §6.1.3: the first CAM and then when >= 500 ms since the last one
  std::uint32_t path_points = 0; // path history points in the low-frequency container (0..40)
  bool special_vehicle = false;  // public transport (buses): same 500 ms rule as the low-frequency container
  CamSigner signer = CamSigner::Digest;
};

/// Bytes of a CAM with the given containers, signed as said: ceil of the UPER bits + the security envelope.
std::uint32_t cam_payload_b(const CamSizes& sizes, const CamContent& content);

/// Decides which containers a station's successive CAMs carry: the low-frequency (and special-vehicle) container in
/// the first CAM and whenever >= lf_interval_s passed since the last one, the certificate in the first CAM and
/// whenever >= certificate_interval_s passed, a digest otherwise.
class CamContentClock {
public:
  CamContentClock(std::uint32_t path_points, bool public_transport, double lf_interval_s = 0.5,
                  double certificate_interval_s = 1.0);
  /// The content of the CAM generated at t_s (non-decreasing from call to call).
  CamContent next(double t_s);

private:
  std::uint32_t path_points_;
  bool public_transport_;
  double lf_interval_s_;
  double certificate_interval_s_;
  double last_lf_s_ = -1; // < 0: none yet
  double last_cert_s_ = -1;
};

/// Bytes of an MQTT 3.1.1 PUBLISH (§3.3): fixed header 1 B + Remaining Length varint (1 to 4 B, §2.2.3)
/// + topic name (2 B length + topic_len) + packet identifier 2 B at QoS >= 1 + payload.
std::uint32_t mqtt_publish_b(std::uint32_t topic_len, std::uint32_t payload_b, int qos);

/// Headers below MQTT, in bytes.
struct LowerHeaders {
  std::uint32_t tcp_b = 32;     // TCP header 20 B (RFC 9293) + Timestamps option 10 B padded to 12 (RFC 7323 §3,
                                // two NOPs before it, as Linux sends it on every segment)
  bool ipv6 = false;            // IPv4 header 20 B (RFC 791, no options) or IPv6 40 B (RFC 8200)
  std::uint32_t llc_snap_b = 8; // 802.2 LLC 3 B + SNAP 5 B (RFC 1042 encapsulation)
  std::uint32_t mac_b = 26;     // 802.11 QoS data header: frame control 2, duration 2, 3 addresses 18,
                                // sequence control 2, QoS control 2 (OCB mode: no address 4, no HT control)
  std::uint32_t fcs_b = 4;      // 802.11 frame check sequence (CRC-32)
  std::uint32_t ip_b() const { return ipv6 ? 40 : 20; }
};

/// Bytes on the air (the PSDU: MAC header to FCS) of a frame carrying `mqtt_b` bytes of MQTT in one TCP segment.
std::uint32_t frame_b(const LowerHeaders& headers, std::uint32_t mqtt_b);

/// Everything that fixes a vehicle's uplink frame size.
struct UplinkFrameSpec {
  CamSizes cam;
  LowerHeaders headers;
  std::uint32_t payload_b = 0; // > 0: a fixed payload (an OBU sending JSON) instead of the ETSI CAM sizes
  int qos = 0;                 // MQTT QoS of the PUBLISH
};

/// Bytes on the air of one uplink telemetry frame: CAM payload (or the fixed payload) + MQTT + TCP + IP + LLC/SNAP
/// + MAC header + FCS.
std::uint32_t uplink_frame_b(const UplinkFrameSpec& spec, std::uint32_t topic_len, const CamContent& content);

} // namespace v2x::radio
