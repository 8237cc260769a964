#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace gw::governance {

/// An IP address, IPv4 or IPv6, in network byte order. IPv4-mapped IPv6 addresses
/// (::ffff:a.b.c.d) are stored as IPv4, so a v4 rule matches clients on dual-stack sockets.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  ///< first 4 bytes used for IPv4

  /// "10.0.0.1", "::1", "::ffff:10.0.0.1", "[::1]"; nullopt when not an address.
  static std::optional<IpAddress> parse(std::string_view text);
  int bits() const { return v6 ? 128 : 32; }
};

/// A network in CIDR notation; a bare address is a /32 (IPv4) or /128 (IPv6) network.
struct IpNetwork {
  IpAddress base;  ///< host bits cleared
  int prefix = 0;

  /// "10.0.0.0/8", "2001:db8::/32", "192.168.1.7". Host bits under the prefix are cleared
  /// ("10.1.2.3/8" is 10.0.0.0/8). Errors name the problem: not an address, prefix not a
  /// number, prefix out of range.
  static Result<IpNetwork> parse(std::string_view text);
  bool contains(const IpAddress& addr) const;
};

/// The addresses a key may be used from. Empty means any address.
/// @par Thread Safety
/// Immutable after parse(); safe to share.
class IpAllowlist {
public:
  IpAllowlist() = default;
  /// Parses every entry; the error's `param` is "allowed_ips[i]" for the first bad entry.
  static Result<IpAllowlist> parse(const std::vector<std::string>& entries);

  /// True when the list is empty or `client_ip` (textual, as the socket reports it) is in one
  /// of its networks. An unparsable client address is refused.
  bool allows(std::string_view client_ip) const;
  bool empty() const { return networks_.empty(); }
  const std::vector<IpNetwork>& networks() const { return networks_; }

private:
  std::vector<IpNetwork> networks_;
};

}  // namespace gw::governance
