#include "http/client/url.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

#include "core/text.hpp"

namespace gw::http {

namespace urls = boost::urls;

namespace {

bool isIpv6(std::string_view host) { return host.find(':') != std::string_view::npos; }

std::uint16_t defaultPort(Scheme scheme) { return scheme == Scheme::Https ? 443 : 80; }

std::string bracketed(std::string_view host) {
  if (!isIpv6(host)) {
    return std::string(host);
  }
  std::string out;
  out.reserve(host.size() + 2);
  out.append(1, '[').append(host).append(1, ']');
  return out;
}

bool endsWithDomain(std::string_view host, std::string_view domain) {
  if (!domain.empty() && domain.front() == '.') {
    domain.remove_prefix(1);
  }
  if (domain.empty()) {
    return false;
  }
  if (iequalsAscii(host, domain)) {
    return true;
  }
  return host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
         iequalsAscii(host.substr(host.size() - domain.size()), domain);
}

bool isLoopback(std::string_view host) {
  return iequalsAscii(host, "localhost") || host == "::1" || host.starts_with("127.") ||
         endsWithDomain(host, "localhost");
}

}  // namespace

std::string Origin::hostHeader() const {
  return port == defaultPort(scheme) ? bracketed(host) : authority();
}

std::string Origin::authority() const { return bracketed(host) + ":" + std::to_string(port); }

std::string Origin::key() const {
  return std::string(scheme == Scheme::Https ? "https://" : "http://") + authority();
}

bool Origin::isIpLiteral() const {
  if (isIpv6(host)) {
    return true;
  }
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return c == '.' || std::isdigit(static_cast<unsigned char>(c));
  });
}

Result<ParsedUrl> parseUrl(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) {
    return Error::invalid("upstream URL is not an absolute URL");
  }
  const urls::url_view& u = *parsed;
  ParsedUrl out;
  if (u.scheme_id() == urls::scheme::https) {
    out.origin.scheme = Scheme::Https;
  } else if (u.scheme_id() == urls::scheme::http) {
    out.origin.scheme = Scheme::Http;
  } else {
    return Error::invalid("upstream URL scheme must be http or https");
  }
  out.origin.host = u.host_address();
  std::transform(out.origin.host.begin(), out.origin.host.end(), out.origin.host.begin(),
                 asciiLower);
  if (out.origin.host.empty()) {
    return Error::invalid("upstream URL has no host");
  }
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0) {
      return Error::invalid("upstream URL has an invalid port");
    }
    out.origin.port = u.port_number();
  } else {
    out.origin.port = defaultPort(out.origin.scheme);
  }
  const std::string_view target = u.encoded_target();
  if (target.empty() || target.front() != '/') {
    out.target.reserve(target.size() + 1);
    out.target.append(1, '/');
  }
  out.target.append(target);
  if (u.has_userinfo()) {
    out.user = u.user();
    out.password = u.password();
  }
  out.host_header = out.origin.hostHeader();
  out.pool_key = out.origin.key();
  return out;
}

Result<ParsedUrl> parseProxyUrl(std::string_view url) {
  if (url.find("://") == std::string_view::npos) {
    return parseUrl("http://" + std::string(url));
  }
  return parseUrl(url);
}

bool isProxyExempt(std::string_view host, std::string_view no_proxy) {
  if (isLoopback(host)) {
    return true;
  }
  while (!no_proxy.empty()) {
    const auto end = no_proxy.find_first_of(", ");
    std::string_view entry = no_proxy.substr(0, end);
    no_proxy.remove_prefix(end == std::string_view::npos ? no_proxy.size() : end + 1);
    if (entry.empty()) {
      continue;
    }
    if (entry == "*") {
      return true;
    }
    if (entry.front() == '[') {  // [v6]:port
      entry = entry.substr(1, entry.find(']') - 1);
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {  // host:port
      entry = entry.substr(0, entry.find(':'));
    }
    if (iequalsAscii(host, entry) || endsWithDomain(host, entry)) {
      return true;
    }
  }
  return false;
}

}  // namespace gw::http
