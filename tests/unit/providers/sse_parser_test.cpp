#include "http/sse/sse_parser.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace gw::http::sse {
namespace {

std::vector<SseEvent> parse(std::string_view text) {
  auto r = SseParser::parseAll(text);
  EXPECT_TRUE(r.has_value());
  return r ? *r : std::vector<SseEvent>{};
}

/// Feeds `text` one byte at a time.
std::vector<SseEvent> parseBytewise(std::string_view text) {
  SseParser p;
  std::vector<SseEvent> out;
  for (char c : text) {
    EXPECT_TRUE(p.feed(std::string_view(&c, 1), out).has_value());
  }
  p.finish(out);
  return out;
}

TEST(SseParser, SingleDataEvent) {
  auto ev = parse("data: hello\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "hello");
  EXPECT_EQ(ev[0].event, "");
}

TEST(SseParser, EventNameAndId) {
  auto ev = parse("event: ping\nid: 42\ndata: {}\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].event, "ping");
  EXPECT_EQ(ev[0].id, "42");
  EXPECT_EQ(ev[0].data, "{}");
}

TEST(SseParser, MultiLineDataJoinedWithNewline) {
  auto ev = parse("data: a\ndata: b\ndata:c\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "a\nb\nc");
}

TEST(SseParser, CommentsIgnored) {
  auto ev = parse(": keep-alive\n\n:another\ndata: x\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "x");
}

TEST(SseParser, CrLfAndCrLineEnds) {
  auto ev = parse("data: one\r\n\r\ndata: two\r\rdata: three\n\n");
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].data, "one");
  EXPECT_EQ(ev[1].data, "two");
  EXPECT_EQ(ev[2].data, "three");
}

TEST(SseParser, CrLfSplitAcrossChunks) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("data: a\r", out).has_value());
  ASSERT_TRUE(p.feed("\n\r", out).has_value());
  ASSERT_TRUE(p.feed("\ndata: b\r\n\r\n", out).has_value());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].data, "a");
  EXPECT_EQ(out[1].data, "b");
}

TEST(SseParser, ArbitraryChunkBoundariesGiveSameEvents) {
  const std::string text =
      "event: message_start\r\ndata: {\"a\":1}\r\n\r\n: c\nid: 7\ndata: x\ndata: y\n\n"
      "retry: 1500\nevent: e\rdata: z\r\r";
  auto whole = parse(text);
  auto bytewise = parseBytewise(text);
  ASSERT_EQ(whole.size(), 3u);
  ASSERT_EQ(bytewise.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(bytewise[i].event, whole[i].event);
    EXPECT_EQ(bytewise[i].data, whole[i].data);
    EXPECT_EQ(bytewise[i].id, whole[i].id);
  }
}

TEST(SseParser, FinishFlushesEventWithoutTrailingBlankLine) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("data: last", out).has_value());
  EXPECT_TRUE(out.empty());
  p.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "last");
}

TEST(SseParser, FinishFlushesTerminatedLineWithoutBlankLine) {
  auto ev = parse("data: a\n\ndata: b\n");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].data, "b");
}

TEST(SseParser, EventWithoutDataIsNotDispatched) {
  auto ev = parse("event: ping\n\ndata: x\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].event, "") << "event type resets after an empty event";
}

TEST(SseParser, EmptyDataFieldDispatchesEmptyData) {
  auto ev = parse("data\n\ndata:\n\n");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].data, "");
  EXPECT_EQ(ev[1].data, "");
}

TEST(SseParser, OnlyOneLeadingSpaceStripped) {
  auto ev = parse("data:  two spaces\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, " two spaces");
}

TEST(SseParser, IdPersistsAndIdWithNulIgnored) {
  auto ev = parse(std::string("id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\n", 41));
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].id, "1");
  EXPECT_EQ(ev[1].id, "1");
  EXPECT_EQ(ev[2].id, "1");
}

TEST(SseParser, RetryOnlyWhenDigits) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("retry: 12a\n\n", out).has_value());
  EXPECT_FALSE(p.retryMs().has_value());
  ASSERT_TRUE(p.feed("retry: 3000\n\n", out).has_value());
  EXPECT_EQ(p.retryMs(), 3000u);
}

TEST(SseParser, UnknownFieldsIgnoredAndNoColonLineIsFieldName) {
  auto ev = parse("foo: bar\ndata\ndata: x\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "\nx");
}

TEST(SseParser, LeadingBomSkippedEvenWhenSplit) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("\xEF", out).has_value());
  ASSERT_TRUE(p.feed("\xBB\xBF"
                     "data: x\n\n",
                     out)
                  .has_value());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "x");
}

TEST(SseParser, SizeLimitFailsAndStaysFailed) {
  SseParser p(16);
  std::vector<SseEvent> out;
  EXPECT_FALSE(p.feed("data: 0123456789012345678901234567890", out).has_value());
  EXPECT_FALSE(p.feed("\n\n", out).has_value());
}

TEST(SseFormat, DataAndNamedEventsRoundTrip) {
  const std::string json = R"({"a":[1,2],"b":"x"})";
  EXPECT_EQ(formatSseData(json), "data: " + json + "\n\n");
  auto ev = parse(formatSseData(json) + formatSseEvent("message_stop", "{}"));
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(parseJson(ev[0].data).value(), parseJson(json).value());
  EXPECT_EQ(ev[1].event, "message_stop");
}

}  // namespace
}  // namespace gw::http::sse
