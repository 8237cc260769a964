#include "governance/ip_allowlist.hpp"

#include <gtest/gtest.h>

namespace gw::governance {
namespace {

struct MatchCase {
  const char* network;
  const char* address;
  bool match;
};

class IpMatch : public ::testing::TestWithParam<MatchCase> {};

TEST_P(IpMatch, NetworkContainsAddress) {
  const auto& c = GetParam();
  auto n = IpNetwork::parse(c.network);
  ASSERT_TRUE(n) << n.error().message;
  auto a = IpAddress::parse(c.address);
  ASSERT_TRUE(a) << c.address;
  EXPECT_EQ(n->contains(*a), c.match) << c.network << " " << c.address;
}

INSTANTIATE_TEST_SUITE_P(
    Table, IpMatch,
    ::testing::Values(MatchCase{"10.0.0.0/8", "10.255.1.2", true},
                      MatchCase{"10.0.0.0/8", "11.0.0.1", false},
                      MatchCase{"192.168.1.0/24", "192.168.1.255", true},
                      MatchCase{"192.168.1.0/24", "192.168.2.1", false},
                      MatchCase{"192.168.1.128/25", "192.168.1.127", false},
                      MatchCase{"192.168.1.128/25", "192.168.1.200", true},
                      MatchCase{"10.1.2.3/8", "10.9.9.9", true},  // host bits cleared
                      MatchCase{"203.0.113.7", "203.0.113.7", true},
                      MatchCase{"203.0.113.7", "203.0.113.8", false},
                      MatchCase{"0.0.0.0/0", "8.8.8.8", true},
                      MatchCase{"0.0.0.0/0", "::1", false},
                      MatchCase{"2001:db8::/32", "2001:db8:1::5", true},
                      MatchCase{"2001:db8::/32", "2001:db9::1", false},
                      MatchCase{"2001:db8::/33", "2001:db8:8000::1", false},
                      MatchCase{"::1", "::1", true},
                      MatchCase{"::/0", "fe80::1", true},
                      MatchCase{"10.0.0.0/8", "::ffff:10.1.1.1", true},
                      MatchCase{"::ffff:10.0.0.0/104", "10.2.3.4", true},
                      MatchCase{"::1", "[::1]", true}));

struct BadCase {
  const char* text;
  const char* message_part;
};

class IpMalformed : public ::testing::TestWithParam<BadCase> {};

TEST_P(IpMalformed, IsRejectedWithAClearMessage) {
  auto n = IpNetwork::parse(GetParam().text);
  ASSERT_FALSE(n) << GetParam().text;
  EXPECT_EQ(n.error().code, ErrorCode::InvalidRequest);
  EXPECT_NE(n.error().message.find(GetParam().message_part), std::string::npos)
      << n.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, IpMalformed,
    ::testing::Values(BadCase{"", "not an IP address"}, BadCase{"10.0.0", "not an IP address"},
                      BadCase{"256.1.1.1", "not an IP address"},
                      BadCase{"10.0.0.1/33", "must be 0-32"},
                      BadCase{"2001:db8::/129", "must be 0-128"},
                      BadCase{"10.0.0.0/", "not a number"}, BadCase{"10.0.0.0/x", "not a number"},
                      BadCase{"10.0.0.0/-1", "must be 0-32"},
                      BadCase{"10.0.0.0/8/9", "not a number"},
                      BadCase{"example.com", "not an IP address"},
                      BadCase{"fe80::1%eth0", "not an IP address"},
                      BadCase{"1:2:3:4:5:6:7:8:9", "not an IP address"}));

TEST(IpAllowlist, EmptyAllowsAnyAndListMatchesAny) {
  IpAllowlist any;
  EXPECT_TRUE(any.allows("1.2.3.4"));
  EXPECT_TRUE(any.allows("garbage"));
  auto list = IpAllowlist::parse({"10.0.0.0/8", "2001:db8::/32"});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->allows("10.3.3.3"));
  EXPECT_TRUE(list->allows("2001:db8::9"));
  EXPECT_FALSE(list->allows("192.168.0.1"));
  EXPECT_FALSE(list->allows("not-an-ip"));
}

TEST(IpAllowlist, ErrorNamesTheEntry) {
  auto list = IpAllowlist::parse({"10.0.0.0/8", "10.0.0.0/40"});
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().param, "allowed_ips[1]");
}

}  // namespace
}  // namespace gw::governance
