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

TEST(Text, HasHeaderBreakFindsCrLfAndNul) {
  EXPECT_FALSE(hasHeaderBreak("Bearer sk-abc"));
  EXPECT_FALSE(hasHeaderBreak(""));
  EXPECT_TRUE(hasHeaderBreak("a\rb"));
  EXPECT_TRUE(hasHeaderBreak("a\nb"));
  EXPECT_TRUE(hasHeaderBreak(std::string_view("a\0b", 3)));
}

TEST(Text, FindLineBreakFindsTheFirstCrOrLfFromPos) {
  constexpr auto npos = std::string_view::npos;
  EXPECT_EQ(findLineBreak("data: x\n\n"), 7u);
  EXPECT_EQ(findLineBreak("data: x\r\n"), 7u);
  EXPECT_EQ(findLineBreak("a\nb\rc", 2), 3u);  // the CR after the LF
  EXPECT_EQ(findLineBreak("ab\rc\nd"), 2u);    // CR before LF
  EXPECT_EQ(findLineBreak("abc\nd\re"), 3u);   // LF before CR
  EXPECT_EQ(findLineBreak("no break"), npos);
  EXPECT_EQ(findLineBreak("x\n", 2), npos);   // pos at the end
  EXPECT_EQ(findLineBreak("x\n", 9), npos);   // pos past the end
  EXPECT_EQ(findLineBreak(""), npos);
}

TEST(Text, ToJsonOfObjectAndArrayMatchesTheValueForm) {
  const json::object o{{"model", "gpt"}, {"n", 2}, {"list", json::array{1, "two", nullptr}}};
  EXPECT_EQ(json::parse(toJson(o)), json::value(o));
  const json::array a{1, json::object{{"k", true}}};
  EXPECT_EQ(json::parse(toJson(a)), json::value(a));
}

}  // namespace
}  // namespace gw
