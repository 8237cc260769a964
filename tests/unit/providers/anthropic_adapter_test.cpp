#include "providers/anthropic/anthropic_adapter.hpp"

#include <gtest/gtest.h>

#include "unit/providers/testing_fixtures.hpp"

namespace gw::providers::anthropic {
namespace {

using namespace gw::providers::testing;

constexpr RequestOptions kStreamOptions{
    .stream = true, .include_usage = true, .unix_time = 1700000000};

json::object chatWith(std::string_view extra) {
  auto o = parseObject(R"({"model":"claude-3-5-haiku-20241022",
                           "messages":[{"role":"user","content":"hi"}]})");
  for (auto& [k, v] : parseObject(extra)) {
    o[k] = v;
  }
  return o;
}

TEST(AnthropicRequest, GoldenTranslation) {
  auto out = chatToMessagesRequest(fixtureJson("anthropic/chat_request.json").as_object());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(json::value(*out), fixtureJson("anthropic/chat_request.expected.json"));
}

TEST(AnthropicRequest, BuildRequestUrlHeadersAndDefaults) {
  AnthropicAdapter a;
  auto p = testProvider("anthropic", "https://api.anthropic.com/v1/");
  p.config["anthropic_beta"] = "prompt-caching-2024-07-31";
  auto req = a.buildRequest(Operation::ChatCompletions, chatWith("{}"), p, {.stream = true});
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->url, "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(*findHeader(req->headers, "x-api-key"), p.api_key);
  EXPECT_EQ(*findHeader(req->headers, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(*findHeader(req->headers, "anthropic-beta"), "prompt-caching-2024-07-31");
  EXPECT_EQ(findHeader(req->headers, "authorization"), nullptr);
  EXPECT_TRUE(req->stream);
  auto body = parseJson(req->body).value().as_object();
  EXPECT_EQ(body["max_tokens"], kDefaultMaxTokens);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["messages"],
            parseJson(R"([{"role":"user","content":[{"type":"text","text":"hi"}]}])").value());
}

TEST(AnthropicRequest, ConfiguredDefaultMaxTokensAndMaxTokens) {
  AnthropicAdapter a;
  auto p = testProvider("anthropic", "https://api.anthropic.com");
  p.config["default_max_tokens"] = 1000;
  auto req = a.buildRequest(Operation::ChatCompletions, chatWith("{}"), p, {});
  ASSERT_TRUE(req);
  EXPECT_EQ(parseJson(req->body).value().at("max_tokens"), 1000);
  auto out = chatToMessagesRequest(chatWith(R"({"max_tokens":77})"));
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["max_tokens"], 77);
}

struct ToolChoiceCase {
  const char* openai;
  const char* anthropic;
};

class AnthropicToolChoice : public ::testing::TestWithParam<ToolChoiceCase> {};

TEST_P(AnthropicToolChoice, Maps) {
  auto chat = chatWith(R"({"tools":[{"type":"function","function":{"name":"f"}}]})");
  chat["tool_choice"] = parseJson(GetParam().openai).value();
  auto out = chatToMessagesRequest(chat);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ((*out)["tool_choice"], parseJson(GetParam().anthropic).value());
}

INSTANTIATE_TEST_SUITE_P(Table, AnthropicToolChoice,
                         ::testing::Values(ToolChoiceCase{R"("auto")", R"({"type":"auto"})"},
                                           ToolChoiceCase{R"("none")", R"({"type":"none"})"},
                                           ToolChoiceCase{R"("required")", R"({"type":"any"})"},
                                           ToolChoiceCase{
                                               R"({"type":"function","function":{"name":"f"}})",
                                               R"({"type":"tool","name":"f"})"}));

struct RejectCase {
  const char* name;
  const char* extra;
  ErrorCode code;
  const char* param;
};

class AnthropicRejects : public ::testing::TestWithParam<RejectCase> {};

TEST_P(AnthropicRejects, NamesTheField) {
  auto out = chatToMessagesRequest(chatWith(GetParam().extra));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, GetParam().code);
  EXPECT_EQ(out.error().param, GetParam().param);
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicRejects,
    ::testing::Values(
        RejectCase{"NGreaterThanOne", R"({"n":2})", ErrorCode::Unsupported, "n"},
        RejectCase{"Logprobs", R"({"logprobs":true})", ErrorCode::Unsupported, "logprobs"},
        RejectCase{"JsonSchema", R"({"response_format":{"type":"json_schema"}})",
                   ErrorCode::Unsupported, "response_format"},
        RejectCase{"AudioPart",
                   R"({"messages":[{"role":"user","content":[{"type":"input_audio"}]}]})",
                   ErrorCode::Unsupported, "messages[0].content[0].type"},
        RejectCase{"FunctionRole", R"({"messages":[{"role":"function","content":"x"}]})",
                   ErrorCode::Unsupported, "messages[0].role"},
        RejectCase{"NonFunctionTool", R"({"tools":[{"type":"web_search"}]})",
                   ErrorCode::Unsupported, "tools[0].type"},
        RejectCase{"BadArguments",
                   R"({"messages":[{"role":"assistant","tool_calls":[{"id":"1","type":"function",
                       "function":{"name":"f","arguments":"{oops"}}]}]})",
                   ErrorCode::InvalidRequest, "messages[0].tool_calls[0].function.arguments"},
        RejectCase{"ToolWithoutId", R"({"messages":[{"role":"tool","content":"x"}]})",
                   ErrorCode::InvalidRequest, "messages[0].tool_call_id"},
        RejectCase{"OnlySystem", R"({"messages":[{"role":"system","content":"x"}]})",
                   ErrorCode::InvalidRequest, "messages"},
        RejectCase{"NonBase64DataUrl",
                   R"({"messages":[{"role":"user","content":[{"type":"image_url",
                       "image_url":{"url":"data:image/png,abc"}}]}]})",
                   ErrorCode::InvalidRequest, "messages[0].content[0]"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(AnthropicRequest, OtherOperations) {
  AnthropicAdapter a;
  auto p = testProvider("anthropic", "https://api.anthropic.com");
  auto models = a.buildRequest(Operation::ListModels, {}, p, {});
  ASSERT_TRUE(models);
  EXPECT_EQ(models->method, "GET");
  EXPECT_EQ(models->url, "https://api.anthropic.com/v1/models");
  auto native =
      parseObject(R"({"model":"m","max_tokens":5,"messages":[],"top_k":3,"stream":true})");
  auto pass = a.buildRequest(Operation::Messages, native, p, {});
  ASSERT_TRUE(pass);
  EXPECT_EQ(parseJson(pass->body).value(), json::value(native));
  EXPECT_TRUE(pass->stream);
  EXPECT_FALSE(a.buildRequest(Operation::Embeddings, native, p, {}));
  EXPECT_FALSE(a.buildRequest(Operation::Completions, native, p, {}));
}

TEST(AnthropicResponse, GoldenChatCompletion) {
  AnthropicAdapter a;
  UpstreamResponse resp{200, {}, readFixture("anthropic/chat_response.upstream.json")};
  auto r = a.parseResponse(Operation::ChatCompletions, resp, {.unix_time = 1700000000});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json::value(r->body), fixtureJson("anthropic/chat_response.expected.json"));
  EXPECT_EQ(r->usage.prompt_tokens, 160);
  EXPECT_EQ(r->usage.cached_tokens, 50);
  EXPECT_EQ(r->usage.cache_creation_tokens, 10);
}

TEST(AnthropicResponse, FinishReasons) {
  EXPECT_EQ(finishReasonFor("end_turn"), "stop");
  EXPECT_EQ(finishReasonFor("stop_sequence"), "stop");
  EXPECT_EQ(finishReasonFor("max_tokens"), "length");
  EXPECT_EQ(finishReasonFor("tool_use"), "tool_calls");
  EXPECT_EQ(finishReasonFor("refusal"), "content_filter");
  EXPECT_EQ(finishReasonFor("something_new"), "stop");
}

TEST(AnthropicResponse, ModelListAndPassthrough) {
  AnthropicAdapter a;
  const std::string upstream = R"({"data":[{"type":"model","id":"claude-3-5-haiku-20241022",
      "display_name":"Claude Haiku 3.5","created_at":"2024-10-22T00:00:00Z"}],"has_more":false})";
  auto list = a.parseResponse(Operation::ListModels, {200, {}, upstream}, {});
  ASSERT_TRUE(list);
  const auto expected = parseJson(R"({"object":"list","data":[{"id":"claude-3-5-haiku-20241022",
      "object":"model","created":1729555200,"owned_by":"anthropic",
      "display_name":"Claude Haiku 3.5"}]})");
  EXPECT_EQ(json::value(list->body), expected.value());
  auto pass = a.parseResponse(Operation::Messages,
                              {200, {}, readFixture("anthropic/chat_response.upstream.json")}, {});
  ASSERT_TRUE(pass);
  EXPECT_EQ(json::value(pass->body), fixtureJson("anthropic/chat_response.upstream.json"));
  EXPECT_EQ(pass->usage.completion_tokens, 30);
}

TEST(AnthropicStream, TextThenToolUseProducesOpenAiChunks) {
  AnthropicAdapter a;
  for (std::size_t piece : {1u, 7u, 4096u}) {
    auto tr = a.newStreamTranslator(Operation::ChatCompletions, kStreamOptions);
    auto chunks = feedAll(*tr, readFixture("anthropic/stream_text_then_tool.sse"), piece);
    ASSERT_TRUE(chunks) << chunks.error().message;
    EXPECT_EQ(*chunks, fixtureJsonLines("anthropic/stream_text_then_tool.expected.jsonl"));
    EXPECT_EQ(tr->usage().prompt_tokens, 30);
    EXPECT_EQ(tr->usage().completion_tokens, 42);
    EXPECT_EQ(tr->skippedEvents(), 1u) << "future_event";
  }
}

TEST(AnthropicStream, NoUsageChunkUnlessAsked) {
  AnthropicAdapter a;
  auto tr = a.newStreamTranslator(Operation::ChatCompletions, {.stream = true});
  auto chunks = feedAll(*tr, readFixture("anthropic/stream_text_then_tool.sse"));
  ASSERT_TRUE(chunks);
  auto expected = fixtureJsonLines("anthropic/stream_text_then_tool.expected.jsonl");
  ASSERT_EQ(chunks->size(), expected.size() - 1);
  EXPECT_EQ(chunks->back().at("choices").at(0).at("finish_reason"), "tool_calls");
  EXPECT_TRUE(tr->usage().known);
}

TEST(AnthropicStream, ThinkingBecomesReasoningContent) {
  AnthropicAdapter a;
  auto tr = a.newStreamTranslator(Operation::ChatCompletions, {});
  auto chunks =
      feedAll(*tr,
              "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\","
              "\"usage\":{\"input_tokens\":1}}}\n\n"
              "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
              "{\"type\":\"thinking\",\"thinking\":\"\"}}\n\n"
              "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
              "{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}\n\n"
              "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
              "{\"type\":\"signature_delta\",\"signature\":\"s\"}}\n\n"
              "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},"
              "\"usage\":{\"output_tokens\":3}}\n\n"
              "data: {\"type\":\"message_stop\"}\n\n");
  ASSERT_TRUE(chunks) << chunks.error().message;
  ASSERT_EQ(chunks->size(), 3u);
  EXPECT_EQ(chunks->at(1).at("choices").at(0).at("delta").at("reasoning_content"), "hmm");
  EXPECT_EQ(chunks->at(2).at("choices").at(0).at("finish_reason"), "length");
  EXPECT_EQ(tr->skippedEvents(), 0u);
}

TEST(AnthropicStream, MessagesPassthroughKeepsEventsAndUsage) {
  AnthropicAdapter a;
  auto tr = a.newStreamTranslator(Operation::Messages, {});
  auto chunks = feedAll(*tr, readFixture("anthropic/stream_text_then_tool.sse"));
  ASSERT_TRUE(chunks);
  EXPECT_EQ(chunks->size(), 14u);
  EXPECT_EQ(chunks->front().at("type"), "message_start");
  EXPECT_EQ(tr->usage().completion_tokens, 42);
}

struct StreamMalformedCase {
  const char* name;
  const char* sse;
  int status;  ///< expected upstream_status, 0 = none
};

class AnthropicStreamMalformed : public ::testing::TestWithParam<StreamMalformedCase> {};

TEST_P(AnthropicStreamMalformed, IsAnUpstreamError) {
  AnthropicAdapter a;
  auto tr = a.newStreamTranslator(Operation::ChatCompletions, {});
  auto chunks = feedAll(*tr, GetParam().sse);
  ASSERT_FALSE(chunks);
  EXPECT_EQ(chunks.error().code, ErrorCode::UpstreamError);
  if (GetParam().status != 0) {
    EXPECT_EQ(chunks.error().upstream_status, GetParam().status);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicStreamMalformed,
    ::testing::Values(
        StreamMalformedCase{"BadJson", "event: message_start\ndata: {\"type\":\"message_st\n\n", 0},
        StreamMalformedCase{"NotAnObject", "data: \"text\"\n\n", 0},
        StreamMalformedCase{"Overloaded",
                            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                            "\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
                            529},
        StreamMalformedCase{"EndsWithoutMessageStop",
                            "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\"}}\n\n", 0},
        StreamMalformedCase{"EmptyStream", "", 0},
        StreamMalformedCase{"DeltaForUnknownBlock",
                            "data: {\"type\":\"content_block_delta\",\"index\":3,\"delta\":"
                            "{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}\n\n",
                            0},
        StreamMalformedCase{"BlockStartWithoutBlock",
                            "data: {\"type\":\"content_block_start\",\"index\":0}\n\n", 0},
        StreamMalformedCase{"BadJsonWithoutTrailingBlankLine", "data: {\"type\":", 0}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(AnthropicStream, UnknownStopReasonAndMissingTrailingBlankLineAreTolerated) {
  AnthropicAdapter a;
  auto tr = a.newStreamTranslator(Operation::ChatCompletions, {});
  auto chunks =
      feedAll(*tr,
              "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\"}}\n\n"
              "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"brand_new\"}}\n\n"
              "data: {\"type\":\"message_stop\"}");
  ASSERT_TRUE(chunks) << chunks.error().message;
  EXPECT_EQ(chunks->back().at("choices").at(0).at("finish_reason"), "stop");
}

TEST(AnthropicError, ShapeStatusAndRetryAfter) {
  AnthropicAdapter a;
  auto e = a.mapError(
      {529,
       {{"retry-after", "30"}},
       R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"});
  EXPECT_EQ(e.code, ErrorCode::UpstreamError);
  EXPECT_EQ(e.upstream_status, 529);
  EXPECT_EQ(e.message, "Overloaded");
  EXPECT_EQ(e.retry_after_seconds, 30);
  auto auth = a.mapError({401, {}, R"({"type":"error","error":{"type":"authentication_error",
      "message":"invalid x-api-key sk-ant-api03-abcdefghij"}})"});
  EXPECT_EQ(auth.message.find("sk-ant-api03-abcdefghij"), std::string::npos);
}

}  // namespace
}  // namespace gw::providers::anthropic
