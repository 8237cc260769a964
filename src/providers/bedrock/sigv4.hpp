#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "providers/provider.hpp"

/// AWS Signature Version 4 (header form), per
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html .
/// Pure: the caller passes the time; nothing here reads a clock.
namespace gw::providers::bedrock::sigv4 {

/// Long-term or temporary AWS credentials. Never logged.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< empty for long-term keys
};

/// What to sign.
struct SignInput {
  std::string_view method = "POST";
  std::string_view url;       ///< absolute; its path must already be percent-encoded once
  const Headers* headers = nullptr;  ///< extra headers to sign (besides host and x-amz-*)
  std::string_view body;
  std::string_view region;
  std::string_view service;
  std::int64_t unix_time = 0;        ///< seconds since the epoch, UTC
  bool add_content_sha256 = false;   ///< also send and sign x-amz-content-sha256
  /// Non-S3 services sign each path segment URI-encoded twice (the wire path encoded again);
  /// S3 encodes once. Bedrock is non-S3.
  bool double_encode_path = true;
};

/// The signing result: headers to add to the request, and the intermediate strings (for
/// tests and debug logs; they hold no secret).
struct Signature {
  Headers headers;  ///< x-amz-date, [x-amz-security-token], [x-amz-content-sha256], authorization
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  ///< lowercase hex
};

/// Signs a request. Fails (InvalidRequest) only on a URL it cannot parse.
Result<Signature> sign(const SignInput& input, const Credentials& credentials);

/// RFC 3986 percent-encoding as SigV4 defines it: unreserved characters (A-Z a-z 0-9 - _ . ~)
/// stay, everything else becomes %XX (uppercase hex); '/' stays when `keep_slash`.
std::string uriEncode(std::string_view text, bool keep_slash);

/// "YYYYMMDDTHHMMSSZ" for a Unix time.
std::string amzDate(std::int64_t unix_time);

}  // namespace gw::providers::bedrock::sigv4
