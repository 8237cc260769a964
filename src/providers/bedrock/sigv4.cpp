#include "providers/bedrock/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "core/crypto.hpp"

namespace gw::providers::bedrock::sigv4 {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool isUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hexValue(s[i + 1]);
      const int lo = hexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// Trims and collapses runs of spaces, as the canonical header value requires.
std::string canonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      space = false;
    }
    out.push_back(c);
  }
  return out;
}

struct UrlParts {
  std::string host;
  std::string path;
  std::string query;
};

Result<UrlParts> splitUrl(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return Error::invalid("sigv4: not an absolute URL");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?#");
  UrlParts parts;
  std::string_view authority = rest.substr(0, path_start);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty()) {
    return Error::invalid("sigv4: URL has no host");
  }
  parts.host = lower(authority);
  std::string_view tail = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (const auto hash = tail.find('#'); hash != std::string_view::npos) {
    tail = tail.substr(0, hash);
  }
  const auto q = tail.find('?');
  parts.path = std::string(tail.substr(0, q));
  if (q != std::string_view::npos) {
    parts.query = std::string(tail.substr(q + 1));
  }
  if (parts.path.empty()) {
    parts.path = "/";
  }
  return parts;
}

std::string canonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    const auto amp = query.find('&', start);
    const std::string_view item =
        query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!item.empty()) {
      const auto eq = item.find('=');
      const std::string_view name = item.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
      params.emplace_back(uriEncode(percentDecode(name), false),
                          uriEncode(percentDecode(value), false));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += name + "=" + value;
  }
  return out;
}

}  // namespace

std::string uriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (isUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::string amzDate(std::int64_t unix_time) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{unix_time}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02ld%02ld%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

Result<Signature> sign(const SignInput& input, const Credentials& credentials) {
  auto url = splitUrl(input.url);
  if (!url) {
    return url.error();
  }
  const std::string date_time = amzDate(input.unix_time);
  const std::string date = date_time.substr(0, 8);
  const std::string payload_hash = crypto::sha256Hex(input.body);

  Signature out;
  out.headers.emplace_back("x-amz-date", date_time);
  if (!credentials.session_token.empty()) {
    out.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  if (input.add_content_sha256) {
    out.headers.emplace_back("x-amz-content-sha256", payload_hash);
  }

  // Canonical headers: lowercase names, sorted, duplicates joined with ','.
  std::map<std::string, std::string> canonical;
  auto addHeader = [&canonical](std::string_view name, std::string_view value) {
    auto& slot = canonical[lower(name)];
    if (!slot.empty()) {
      slot.push_back(',');
    }
    slot += canonicalValue(value);
  };
  addHeader("host", url->host);
  for (const auto& [name, value] : out.headers) {
    addHeader(name, value);
  }
  if (input.headers != nullptr) {
    for (const auto& [name, value] : *input.headers) {
      addHeader(name, value);
    }
  }
  std::string canonical_headers;
  std::string signed_headers;
  for (const auto& [name, value] : canonical) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) {
      signed_headers.push_back(';');
    }
    signed_headers += name;
  }

  const std::string canonical_uri =
      input.double_encode_path ? uriEncode(url->path, true) : url->path;
  out.canonical_request = std::string(input.method) + "\n" + canonical_uri + "\n" +
                          canonicalQuery(url->query) + "\n" + canonical_headers + "\n" +
                          signed_headers + "\n" + payload_hash;

  const std::string scope = date + "/" + std::string(input.region) + "/" +
                            std::string(input.service) + "/aws4_request";
  out.string_to_sign = std::string(kAlgorithm) + "\n" + date_time + "\n" + scope + "\n" +
                       crypto::sha256Hex(out.canonical_request);

  const std::string k_date = crypto::hmacSha256("AWS4" + credentials.secret_access_key, date);
  const std::string k_region = crypto::hmacSha256(k_date, input.region);
  const std::string k_service = crypto::hmacSha256(k_region, input.service);
  const std::string k_signing = crypto::hmacSha256(k_service, "aws4_request");
  out.signature = crypto::toHex(crypto::hmacSha256(k_signing, out.string_to_sign));

  out.headers.emplace_back("authorization",
                           std::string(kAlgorithm) + " Credential=" + credentials.access_key_id +
                               "/" + scope + ", SignedHeaders=" + signed_headers +
                               ", Signature=" + out.signature);
  return out;
}

}  // namespace gw::providers::bedrock::sigv4
