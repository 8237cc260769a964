#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gw::http {

/// The scheme of an upstream origin.
enum class Scheme {
  Http,
  Https,
};

/// Where a connection goes: scheme, host and port. Connections are pooled per origin.
struct Origin {
  Scheme scheme = Scheme::Http;
  std::string host;  ///< lower-case name or IP literal, IPv6 without brackets
  std::uint16_t port = 80;

  /// "host", "host:port", "[v6]:port": the Host header value (port omitted when default).
  std::string hostHeader() const;
  /// "host:port" ("[v6]:port" for IPv6): the CONNECT request target.
  std::string authority() const;
  /// "scheme://host:port": a stable key for pools and caches.
  std::string key() const;
  /// Whether `host` is an IPv4 or IPv6 literal (no DNS, no SNI).
  bool isIpLiteral() const;

  friend bool operator==(const Origin&, const Origin&) = default;
};

/// An absolute http(s) URL split for sending: the origin, the origin-form request target
/// ("/path?query", never empty) and any user info (used for proxy credentials).
struct ParsedUrl {
  Origin origin;
  std::string target;
  std::string user;      ///< percent-decoded
  std::string password;  ///< percent-decoded
  std::string host_header;  ///< origin.hostHeader(), computed once
  std::string pool_key;     ///< origin.key(), computed once
};

/// Parses an absolute http:// or https:// URL. The fragment is dropped. Errors are
/// ErrorCode::InvalidRequest naming the URL problem (never the URL's credentials).
Result<ParsedUrl> parseUrl(std::string_view url);

/// Parses a proxy setting as found in HTTPS_PROXY: a URL, or "host:port" meaning http://.
Result<ParsedUrl> parseProxyUrl(std::string_view url);

/// Whether `host` is exempt from the proxy by a NO_PROXY-style list: comma- or
/// space-separated entries, "*" for all, "example.com" or ".example.com" matching the domain and
/// its sub-domains, optional ":port" ignored. Loopback ("localhost", 127.0.0.0/8, ::1) is always
/// exempt.
bool isProxyExempt(std::string_view host, std::string_view no_proxy);

}  // namespace gw::http
