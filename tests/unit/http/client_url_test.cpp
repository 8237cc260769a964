#include <gtest/gtest.h>

#include "http/client/url.hpp"

namespace gw::http {
namespace {

TEST(ClientUrl, HttpsDefaultsToPort443AndRootTarget) {
  auto url = parseUrl("https://API.OpenAI.com");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->origin.scheme, Scheme::Https);
  EXPECT_EQ(url->origin.host, "api.openai.com");
  EXPECT_EQ(url->origin.port, 443);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->origin.hostHeader(), "api.openai.com");
  EXPECT_EQ(url->origin.key(), "https://api.openai.com:443");
  EXPECT_FALSE(url->origin.isIpLiteral());
}

TEST(ClientUrl, KeepsPortPathAndQueryAndDropsFragment) {
  auto url = parseUrl("http://127.0.0.1:11434/v1/chat/completions?api-version=2024-02-01#x");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->origin.scheme, Scheme::Http);
  EXPECT_EQ(url->origin.port, 11434);
  EXPECT_EQ(url->target, "/v1/chat/completions?api-version=2024-02-01");
  EXPECT_EQ(url->origin.hostHeader(), "127.0.0.1:11434");
  EXPECT_TRUE(url->origin.isIpLiteral());
}

TEST(ClientUrl, Ipv6HostIsUnbracketedButBracketedInHeaders) {
  auto url = parseUrl("http://[::1]:8000/x");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->origin.host, "::1");
  EXPECT_TRUE(url->origin.isIpLiteral());
  EXPECT_EQ(url->origin.hostHeader(), "[::1]:8000");
  EXPECT_EQ(url->origin.authority(), "[::1]:8000");
}

TEST(ClientUrl, RejectsNonHttpAndRelativeUrls) {
  for (const char* bad : {"ftp://example.com/", "/v1/chat", "example.com/v1", "http://", ""}) {
    auto url = parseUrl(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::InvalidRequest) << bad;
  }
}

TEST(ClientUrl, ProxyUrlMayOmitSchemeAndCarryCredentials) {
  auto bare = parseProxyUrl("proxy.corp:3128");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_EQ(bare->origin.scheme, Scheme::Http);
  EXPECT_EQ(bare->origin.host, "proxy.corp");
  EXPECT_EQ(bare->origin.port, 3128);

  auto creds = parseProxyUrl("http://us%40er:p%3Ass@proxy.corp:8080");
  ASSERT_TRUE(creds) << creds.error().message;
  EXPECT_EQ(creds->user, "us@er");
  EXPECT_EQ(creds->password, "p:ss");
}

TEST(ClientUrl, NoProxyMatchesDomainsWildcardAndAlwaysLoopback) {
  EXPECT_TRUE(isProxyExempt("localhost", ""));
  EXPECT_TRUE(isProxyExempt("127.0.0.1", ""));
  EXPECT_TRUE(isProxyExempt("127.8.9.10", ""));
  EXPECT_TRUE(isProxyExempt("::1", ""));
  EXPECT_FALSE(isProxyExempt("api.openai.com", ""));

  const std::string list = "internal.corp, .example.com,10.1.2.3:8080";
  EXPECT_TRUE(isProxyExempt("internal.corp", list));
  EXPECT_TRUE(isProxyExempt("llm.internal.corp", list));
  EXPECT_TRUE(isProxyExempt("api.example.com", list));
  EXPECT_TRUE(isProxyExempt("example.com", list));
  EXPECT_TRUE(isProxyExempt("10.1.2.3", list));
  EXPECT_FALSE(isProxyExempt("notinternal.corp", list));
  EXPECT_FALSE(isProxyExempt("api.openai.com", list));
  EXPECT_TRUE(isProxyExempt("api.openai.com", "*"));
}

}  // namespace
}  // namespace gw::http
