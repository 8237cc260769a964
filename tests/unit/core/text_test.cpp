#include <gtest/gtest.h>

#include "core/json.hpp"
#include "core/text.hpp"

namespace gw {
namespace {

TEST(Text, AsciiLowerChangesOnlyUpperCaseLetters) {
  EXPECT_EQ(asciiLower('A'), 'a');
  EXPECT_EQ(asciiLower('Z'), 'z');
  EXPECT_EQ(asciiLower('a'), 'a');
  EXPECT_EQ(asciiLower('@'), '@');  // just before 'A'
  EXPECT_EQ(asciiLower('['), '[');  // just after 'Z'
  EXPECT_EQ(asciiLower('\xC4'), '\xC4');  // bytes above ASCII are left alone
}

TEST(Text, IequalsAsciiIgnoresCaseOnly) {
  EXPECT_TRUE(iequalsAscii("Authorization", "authorization"));
  EXPECT_TRUE(iequalsAscii("CONTENT-LENGTH", "content-length"));
  EXPECT_TRUE(iequalsAscii("", ""));
  EXPECT_FALSE(iequalsAscii("authorization", "authorizatio"));
  EXPECT_FALSE(iequalsAscii("x-api-key", "x_api_key"));
  EXPECT_FALSE(iequalsAscii("@", "`"));  // differ by 32 but are not letters
}

TEST(Text, ToJsonOfObjectAndArrayMatchesTheValueForm) {
  const json::object o{{"model", "gpt"}, {"n", 2}, {"list", json::array{1, "two", nullptr}}};
  EXPECT_EQ(json::parse(toJson(o)), json::value(o));
  const json::array a{1, json::object{{"k", true}}};
  EXPECT_EQ(json::parse(toJson(a)), json::value(a));
}

}  // namespace
}  // namespace gw
