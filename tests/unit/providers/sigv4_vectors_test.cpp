// SigV4 against the AWS Signature Version 4 test suite (aws-sig-v4-test-suite, 2015-08-30
// vectors: service "service", region us-east-1, AKIDEXAMPLE) and a Bedrock-shaped request.
#include <gtest/gtest.h>

#include <string>

#include "core/crypto.hpp"
#include "providers/bedrock/sigv4.hpp"

namespace gw::providers::bedrock::sigv4 {
namespace {

constexpr std::int64_t kSuiteTime = 1440938160;  // 2015-08-30T12:36:00Z
constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kStsToken =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPf"
    "IeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7W"
    "Z0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8F"
    "DrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

Credentials suiteCredentials(std::string_view token = {}) {
  return Credentials{"AKIDEXAMPLE", std::string(kSuiteSecret), std::string(token)};
}

SignInput suiteInput(std::string_view method, std::string_view url) {
  SignInput in;
  in.method = method;
  in.url = url;
  in.region = "us-east-1";
  in.service = "service";
  in.unix_time = kSuiteTime;
  return in;
}

std::string header(const Signature& s, std::string_view name) {
  for (const auto& [k, v] : s.headers) {
    if (k == name) {
      return v;
    }
  }
  return "<absent>";
}

std::string stsHash(const Signature& s) {
  return s.string_to_sign.substr(s.string_to_sign.rfind('\n') + 1);
}

TEST(SigV4Suite, GetVanilla) {
  auto s = sign(suiteInput("GET", "https://example.amazonaws.com/"), suiteCredentials());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(stsHash(*s), "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(header(*s, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(header(*s, "x-amz-date"), "20150830T123600Z");
}

TEST(SigV4Suite, PostVanilla) {
  auto s = sign(suiteInput("POST", "https://example.amazonaws.com/"), suiteCredentials());
  ASSERT_TRUE(s);
  EXPECT_EQ(stsHash(*s), "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87");
  EXPECT_EQ(s->signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4Suite, GetVanillaQueryOrderKeyCase) {
  auto s = sign(suiteInput("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1"),
                suiteCredentials());
  ASSERT_TRUE(s);
  EXPECT_NE(s->canonical_request.find("\nParam1=value1&Param2=value2\n"), std::string::npos);
  EXPECT_EQ(s->signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4Suite, PostXWwwFormUrlencodedSignsContentTypeAndBody) {
  const Headers headers{{"Content-Type", "application/x-www-form-urlencoded"}};
  auto in = suiteInput("POST", "https://example.amazonaws.com/");
  in.headers = &headers;
  in.body = "Param1=value1";
  auto s = sign(in, suiteCredentials());
  ASSERT_TRUE(s);
  EXPECT_EQ(stsHash(*s), "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(header(*s, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(SigV4Suite, PostXWwwFormUrlencodedParameters) {
  const Headers headers{{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}};
  auto in = suiteInput("POST", "https://example.amazonaws.com/");
  in.headers = &headers;
  in.body = "Param1=value1";
  auto s = sign(in, suiteCredentials());
  ASSERT_TRUE(s);
  EXPECT_EQ(stsHash(*s), "2e1cf7ed91881a30569e46552437e4156c823447bf1781b921b5d486c568dd1c");
  EXPECT_EQ(s->signature, "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe");
}

TEST(SigV4Suite, PostStsHeaderBeforeSignsTheSessionToken) {
  auto s = sign(suiteInput("POST", "https://example.amazonaws.com/"), suiteCredentials(kStsToken));
  ASSERT_TRUE(s);
  EXPECT_EQ(header(*s, "x-amz-security-token"), kStsToken);
  EXPECT_EQ(stsHash(*s), "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6");
  EXPECT_EQ(s->signature, "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
}

TEST(SigV4, HeaderValuesAreTrimmedAndDuplicatesJoined) {
  const Headers headers{{"My-Header1", "  a   b  "}, {"my-header1", "c"}};
  auto in = suiteInput("GET", "https://example.amazonaws.com/");
  in.headers = &headers;
  auto s = sign(in, suiteCredentials());
  ASSERT_TRUE(s);
  EXPECT_NE(s->canonical_request.find("\nmy-header1:a b,c\n"), std::string::npos);
  EXPECT_NE(s->canonical_request.find("\nhost;my-header1;x-amz-date\n"), std::string::npos);
}

TEST(SigV4, BedrockPathSegmentsAreEncodedTwiceInTheCanonicalRequest) {
  SignInput in;
  in.method = "POST";
  in.url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
           "anthropic.claude-3-haiku-20240307-v1%3A0/converse";
  in.body = R"({"messages":[]})";
  in.region = "us-east-1";
  in.service = "bedrock";
  in.unix_time = 1700000000;  // 2023-11-14T22:13:20Z
  in.add_content_sha256 = true;
  auto s = sign(in, Credentials{"AKIDEXAMPLE", std::string(kSuiteSecret), ""});
  ASSERT_TRUE(s);
  const std::string body_hash = crypto::sha256Hex(in.body);
  EXPECT_EQ(s->canonical_request,
            "POST\n/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse\n\n"
            "host:bedrock-runtime.us-east-1.amazonaws.com\n"
            "x-amz-content-sha256:" + body_hash + "\n"
            "x-amz-date:20231114T221320Z\n\n"
            "host;x-amz-content-sha256;x-amz-date\n" + body_hash);
  EXPECT_EQ(s->string_to_sign, "AWS4-HMAC-SHA256\n20231114T221320Z\n"
                               "20231114/us-east-1/bedrock/aws4_request\n" +
                                   crypto::sha256Hex(s->canonical_request));
  // The key derivation chain, recomputed step by step.
  std::string key = crypto::hmacSha256("AWS4" + std::string(kSuiteSecret), "20231114");
  key = crypto::hmacSha256(key, "us-east-1");
  key = crypto::hmacSha256(key, "bedrock");
  key = crypto::hmacSha256(key, "aws4_request");
  EXPECT_EQ(s->signature, crypto::toHex(crypto::hmacSha256(key, s->string_to_sign)));
  EXPECT_EQ(header(*s, "x-amz-content-sha256"), body_hash);
}

TEST(SigV4, SingleEncodingForS3StyleServices) {
  auto in = suiteInput("GET", "https://example.amazonaws.com/a%3Ab");
  in.double_encode_path = false;
  auto s = sign(in, suiteCredentials());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->canonical_request.substr(0, 12), "GET\n/a%3Ab\n\n");
}

TEST(SigV4, HostKeepsANonDefaultPort) {
  auto s = sign(suiteInput("GET", "http://127.0.0.1:8089/x"), suiteCredentials());
  ASSERT_TRUE(s);
  EXPECT_NE(s->canonical_request.find("\nhost:127.0.0.1:8089\n"), std::string::npos);
}

TEST(SigV4, RejectsARelativeUrl) {
  auto s = sign(suiteInput("GET", "/relative"), suiteCredentials());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::InvalidRequest);
}

TEST(SigV4, UriEncode) {
  EXPECT_EQ(uriEncode("a b~c-_.", false), "a%20b~c-_.");
  EXPECT_EQ(uriEncode("x/y:z", true), "x/y%3Az");
  EXPECT_EQ(uriEncode("x/y:z", false), "x%2Fy%3Az");
  EXPECT_EQ(uriEncode("é", false), "%C3%A9");
}

TEST(SigV4, AmzDate) {
  EXPECT_EQ(amzDate(kSuiteTime), "20150830T123600Z");
  EXPECT_EQ(amzDate(0), "19700101T000000Z");
  EXPECT_EQ(amzDate(951782400), "20000229T000000Z");
}

}  // namespace
}  // namespace gw::providers::bedrock::sigv4
