#include "providers/anthropic/ingress.hpp"

#include <gtest/gtest.h>

#include "unit/providers/testing_fixtures.hpp"

namespace gw::providers::anthropic {
namespace {

using namespace gw::providers::testing;

TEST(MessagesIngress, GoldenRequestTranslation) {
  auto out = messagesToChatRequest(fixtureJson("ingress/messages_request.json").as_object());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(json::value(*out), fixtureJson("ingress/messages_request.expected.json"));
}

TEST(MessagesIngress, ToolChoiceVariants) {
  auto base = parseObject(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
                              "tools":[{"name":"f","input_schema":{"type":"object"}}]})");
  for (auto [in, out] :
       {std::pair{R"({"type":"auto"})", R"("auto")"}, std::pair{R"({"type":"none"})", R"("none")"},
        std::pair{R"({"type":"tool","name":"f"})",
                  R"({"type":"function","function":{"name":"f"}})"}}) {
    auto body = base;
    body["tool_choice"] = parseJson(in).value();
    auto r = messagesToChatRequest(body);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ((*r)["tool_choice"], parseJson(out).value());
    EXPECT_FALSE(r->contains("parallel_tool_calls"));
  }
}

TEST(MessagesIngress, RejectionsNameTheField) {
  struct Case {
    const char* body;
    ErrorCode code;
    const char* param;
  };
  for (const auto& c : {
           Case{R"({"messages":[]})", ErrorCode::InvalidRequest, "model"},
           Case{R"({"model":"m"})", ErrorCode::InvalidRequest, "messages"},
           Case{R"({"model":"m","messages":[{"role":"system","content":"x"}]})",
                ErrorCode::InvalidRequest, "messages[0].role"},
           Case{R"({"model":"m","messages":[{"role":"user","content":[{"type":"document"}]}]})",
                ErrorCode::Unsupported, "messages[0].content[0].type"},
           Case{
               R"({"model":"m","messages":[],"tools":[{"type":"web_search_20250305","name":"w"}]})",
               ErrorCode::Unsupported, "tools[0].type"},
           Case{R"({"model":"m","messages":[{"role":"user","content":[{"type":"image",
                "source":{"type":"file","file_id":"f"}}]}]})",
                ErrorCode::Unsupported, "messages[0].content[0].source.type"},
       }) {
    auto r = messagesToChatRequest(parseObject(c.body));
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().code, c.code) << c.body;
    EXPECT_EQ(r.error().param, c.param) << c.body;
  }
}

TEST(MessagesIngress, ChatResponseToMessages) {
  auto chat = fixtureJson("openai/chat_response.json").as_object();
  auto msg = chatResponseToMessages(chat);
  EXPECT_EQ(json::value(msg), parseJson(R"({
    "id":"msg_chatcmpl-2","type":"message","role":"assistant","model":"gpt-4o-2024-08-06",
    "content":[{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":16,"output_tokens":17,"cache_read_input_tokens":64}})")
                                  .value());
}

TEST(MessagesIngress, TextResponseAndStopReasons) {
  auto msg = chatResponseToMessages(parseObject(R"({"id":"c","model":"m","choices":[{"index":0,
      "message":{"role":"assistant","content":"hi"},"finish_reason":"length"}],
      "usage":{"prompt_tokens":3,"completion_tokens":1}})"));
  EXPECT_EQ(msg["content"], parseJson(R"([{"type":"text","text":"hi"}])").value());
  EXPECT_EQ(msg["stop_reason"], "max_tokens");
  EXPECT_EQ(stopReasonFor("stop"), "end_turn");
  EXPECT_EQ(stopReasonFor("tool_calls"), "tool_use");
  EXPECT_EQ(stopReasonFor("content_filter"), "refusal");
}

TEST(MessagesStreamEncoderTest, GoldenEventSequence) {
  MessagesStreamEncoder enc;
  json::array events;
  auto append = [&](std::vector<AnthropicEvent> evs) {
    for (auto& [name, data] : evs) {
      EXPECT_EQ(data.at("type"), json::value(name));
      events.push_back(json::array{json::value(name), json::value(std::move(data))});
    }
  };
  for (const auto& chunk : fixtureJsonLines("ingress/chat_chunks.jsonl")) {
    append(enc.onChunk(chunk.as_object()));
  }
  append(enc.finish());
  append(enc.finish());  // idempotent
  EXPECT_EQ(events, fixtureJsonLines("ingress/chat_chunks.expected_events.jsonl"));
}

TEST(MessagesStreamEncoderTest, EmptyStreamStillProducesAValidSequence) {
  MessagesStreamEncoder enc("claude-x");
  auto events = enc.finish();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].first, "message_start");
  EXPECT_EQ(events[0].second.at("message").at("model"), "claude-x");
  EXPECT_EQ(events[1].second.at("delta").at("stop_reason"), "end_turn");
  EXPECT_EQ(events[2].first, "message_stop");
}

TEST(MessagesStreamEncoderTest, TextOnlyClosesBlockAtFinish) {
  MessagesStreamEncoder enc;
  auto a = enc.onChunk(
      parseObject(R"({"id":"x","model":"m","choices":[{"index":0,"delta":{"content":"a"}}]})"));
  ASSERT_EQ(a.size(), 3u);  // message_start, content_block_start, delta
  auto end = enc.finish();
  ASSERT_EQ(end.size(), 3u);
  EXPECT_EQ(end[0].first, "content_block_stop");
}

TEST(MessagesErrors, AnthropicShape) {
  auto check = [](Error e, std::string_view type) {
    auto body = anthropicError(e);
    EXPECT_EQ(body["type"], "error");
    EXPECT_EQ(body["error"].at("type"), json::value(type)) << e.message;
    EXPECT_EQ(body["error"].at("message"), json::value(e.message));
  };
  check(Error::invalid("bad"), "invalid_request_error");
  check(Error::notFound("nope"), "not_found_error");
  Error rl;
  rl.code = ErrorCode::RateLimited;
  rl.message = "slow";
  check(rl, "rate_limit_error");
  Error over;
  over.code = ErrorCode::UpstreamError;
  over.upstream_status = 529;
  over.message = "busy";
  check(over, "overloaded_error");
  check(Error::internal("x"), "api_error");
}

}  // namespace
}  // namespace gw::providers::anthropic
