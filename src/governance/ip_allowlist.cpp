#include "governance/ip_allowlist.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace gw::governance {

namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 45) {
    return std::nullopt;
  }
  const std::string s(text);
  IpAddress a;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) != 1) {
      return std::nullopt;
    }
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) {
    return std::nullopt;
  }
  if (std::memcmp(a.bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0) {
    std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
    std::memset(a.bytes.data() + 4, 0, 12);
    return a;
  }
  a.v6 = true;
  return a;
}

Result<IpNetwork> IpNetwork::parse(std::string_view text) {
  const std::string shown(text);
  const auto slash = text.find('/');
  const auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) {
    return Error::invalid("'" + shown + "' is not an IP address or CIDR network");
  }
  IpNetwork n;
  n.base = *addr;
  n.prefix = addr->bits();
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    int prefix = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
      return Error::invalid("'" + shown + "': the prefix length is not a number");
    }
    // An IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is the IPv4 network it maps.
    const bool mapped = !addr->v6 && text.substr(0, slash).find(':') != std::string_view::npos;
    const int max = mapped ? 128 : addr->bits();
    const int min = mapped ? 96 : 0;
    if (prefix < min || prefix > max) {
      return Error::invalid("'" + shown + "': the prefix length must be " + std::to_string(min) +
                            "-" + std::to_string(max));
    }
    n.prefix = prefix - min;
  }
  // Clear host bits so contains() compares whole bytes plus one masked byte.
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(n.prefix - i * 8, 0, 8);
    n.base.bytes[static_cast<std::size_t>(i)] &= static_cast<std::uint8_t>(0xFF00 >> keep);
  }
  return n;
}

bool IpNetwork::contains(const IpAddress& addr) const {
  if (addr.v6 != base.v6) {
    return false;
  }
  const int whole = prefix / 8;
  if (std::memcmp(addr.bytes.data(), base.bytes.data(), static_cast<std::size_t>(whole)) != 0) {
    return false;
  }
  const int rest = prefix % 8;
  if (rest == 0) {
    return true;
  }
  const auto mask = static_cast<std::uint8_t>(0xFF00 >> rest);
  const auto i = static_cast<std::size_t>(whole);
  return (addr.bytes[i] & mask) == base.bytes[i];
}

Result<IpAllowlist> IpAllowlist::parse(const std::vector<std::string>& entries) {
  IpAllowlist list;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto n = IpNetwork::parse(entries[i]);
    if (!n) {
      auto e = n.error();
      e.param = "allowed_ips[" + std::to_string(i) + "]";
      return e;
    }
    list.networks_.push_back(*n);
  }
  return list;
}

bool IpAllowlist::allows(std::string_view client_ip) const {
  if (networks_.empty()) {
    return true;
  }
  const auto addr = IpAddress::parse(client_ip);
  if (!addr) {
    return false;
  }
  for (const auto& n : networks_) {
    if (n.contains(*addr)) {
      return true;
    }
  }
  return false;
}

}  // namespace gw::governance
