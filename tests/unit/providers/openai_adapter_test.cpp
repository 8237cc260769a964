#include "providers/openai/openai_adapter.hpp"

#include <gtest/gtest.h>

#include "providers/adapter_util.hpp"
#include "providers/azure/azure_adapter.hpp"
#include "unit/providers/testing_fixtures.hpp"

namespace gw::providers::openai {
namespace {

using namespace gw::providers::testing;

const json::object kChat = parseObject(
    R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":0.2,
        "x_vendor_param":{"keep":true}})");

TEST(OpenAiBuild, ChatUrlBearerAndUntouchedBody) {
  OpenAiAdapter a;
  auto p = testProvider("openai", "https://api.openai.com/v1/");
  p.extra_headers.emplace_back("OpenAI-Organization", "org-1");
  auto req = a.buildRequest(Operation::ChatCompletions, kChat, p, {});
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url, "https://api.openai.com/v1/chat/completions");
  ASSERT_NE(findHeader(req->headers, "authorization"), nullptr);
  EXPECT_EQ(*findHeader(req->headers, "Authorization"), "Bearer sk-test-secret-key-123456");
  EXPECT_EQ(*findHeader(req->headers, "openai-organization"), "org-1");
  EXPECT_EQ(parseJson(req->body).value(), json::value(kChat));
  EXPECT_FALSE(req->stream);
}

TEST(OpenAiBuild, TheClientsTextIsSentWhenTheBodyIsUnchanged) {
  OpenAiAdapter a;
  const auto p = testProvider("openai", "https://x/v1");
  const std::string text = R"({ "model":"gpt-4o", "messages":[{"role":"user","content":"hi"}],
      "temperature":0.2, "x_vendor_param":{"keep":true} })";
  auto req = a.buildRequest(Operation::ChatCompletions, kChat, p, {.source_text = text});
  ASSERT_TRUE(req);
  EXPECT_EQ(req->body, text);
  // A streaming request that gains stream_options is rebuilt, whatever the text.
  auto body = kChat;
  body["stream"] = true;
  req = a.buildRequest(Operation::ChatCompletions, body, p,
                       {.stream = true, .source_text = text});
  ASSERT_TRUE(req);
  EXPECT_TRUE(parseJson(req->body).value().as_object().contains("stream_options"));
}

TEST(OpenAiBuild, CustomAuthHeaderAndNoKey) {
  OpenAiAdapter a;
  auto p = testProvider("openai", "http://localhost:11434/v1");
  p.flags.auth_header = "x-api-key";
  auto req = a.buildRequest(Operation::ChatCompletions, kChat, p, {});
  ASSERT_TRUE(req);
  EXPECT_EQ(findHeader(req->headers, "authorization"), nullptr);
  EXPECT_EQ(*findHeader(req->headers, "x-api-key"), p.api_key);
  p.api_key.clear();
  req = a.buildRequest(Operation::ChatCompletions, kChat, p, {});
  ASSERT_TRUE(req);
  EXPECT_EQ(findHeader(req->headers, "x-api-key"), nullptr);
}

TEST(OpenAiBuild, StreamingAsksForUsageKeepingOtherStreamOptions) {
  OpenAiAdapter a;
  auto body = kChat;
  body["stream"] = true;
  body["stream_options"] = json::object{{"other", 1}};
  auto req = a.buildRequest(Operation::ChatCompletions, body,
                            testProvider("openai", "https://x/v1"), {.stream = true});
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->stream);
  auto sent = parseJson(req->body).value().as_object();
  EXPECT_EQ(sent["stream_options"], (json::object{{"other", 1}, {"include_usage", true}}));
  EXPECT_EQ(sent["x_vendor_param"], (json::object{{"keep", true}}));
}

TEST(OpenAiBuild, NoStreamOptionsWhenProviderLacksThem) {
  OpenAiAdapter a;
  auto p = testProvider("openai", "https://api.mistral.ai/v1");
  p.flags.stream_options = false;
  auto body = kChat;
  body["stream"] = true;
  auto req = a.buildRequest(Operation::ChatCompletions, body, p, {.stream = true});
  ASSERT_TRUE(req);
  EXPECT_FALSE(parseJson(req->body).value().as_object().contains("stream_options"));
}

TEST(OpenAiBuild, OperationsAndFlags) {
  OpenAiAdapter a;
  auto p = testProvider("openai", "https://api.example.com/v1");
  auto emb =
      a.buildRequest(Operation::Embeddings, parseObject(R"({"model":"e","input":"x"})"), p, {});
  ASSERT_TRUE(emb);
  EXPECT_EQ(emb->url, "https://api.example.com/v1/embeddings");
  auto comp =
      a.buildRequest(Operation::Completions, parseObject(R"({"model":"m","prompt":"x"})"), p, {});
  ASSERT_TRUE(comp);
  EXPECT_EQ(comp->url, "https://api.example.com/v1/completions");
  auto models = a.buildRequest(Operation::ListModels, {}, p, {});
  ASSERT_TRUE(models);
  EXPECT_EQ(models->method, "GET");
  EXPECT_EQ(models->url, "https://api.example.com/v1/models");
  EXPECT_TRUE(models->body.empty());

  p.flags.completions = p.flags.embeddings = p.flags.list_models = false;
  for (auto op : {Operation::Completions, Operation::Embeddings, Operation::ListModels,
                  Operation::Messages}) {
    auto r = a.buildRequest(op, kChat, p, {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Unsupported);
  }
}

TEST(OpenAiParse, UsageWithCachedTokens) {
  OpenAiAdapter a;
  UpstreamResponse resp{200, {}, readFixture("openai/chat_response.json")};
  auto r = a.parseResponse(Operation::ChatCompletions, resp, {});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->usage.known);
  EXPECT_EQ(r->usage.prompt_tokens, 80);
  EXPECT_EQ(r->usage.completion_tokens, 17);
  EXPECT_EQ(r->usage.cached_tokens, 64);
  EXPECT_EQ(json::value(r->body), fixtureJson("openai/chat_response.json"));
}

TEST(OpenAiParse, MalformedBodyIsUpstreamError) {
  OpenAiAdapter a;
  auto r = a.parseResponse(Operation::ChatCompletions, {200, {}, "{nope"}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UpstreamError);
}

TEST(OpenAiParse, ModelListGetsListShape) {
  OpenAiAdapter a;
  auto r = a.parseResponse(Operation::ListModels, {200, {}, R"({"data":[{"id":"m1"}]})"}, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body["object"], "list");
  EXPECT_FALSE(a.parseResponse(Operation::ListModels, {200, {}, R"({"models":[]})"}, {}));
}

TEST(OpenAiStream, DropsUsageChunkClientDidNotAskForButRecordsUsage) {
  OpenAiAdapter a;
  auto tr = a.newStreamTranslator(Operation::ChatCompletions, {.stream = true});
  auto chunks = feedAll(*tr, readFixture("openai/stream_usage.sse"));
  ASSERT_TRUE(chunks) << chunks.error().message;
  EXPECT_EQ(*chunks, fixtureJsonLines("openai/stream_usage.expected_no_usage.jsonl"));
  EXPECT_TRUE(tr->usage().known);
  EXPECT_EQ(tr->usage().prompt_tokens, 12);
  EXPECT_EQ(tr->usage().cached_tokens, 4);
  EXPECT_EQ(tr->skippedEvents(), 0u);
}

TEST(OpenAiStream, KeepsUsageChunkWhenClientAsked) {
  OpenAiAdapter a;
  auto tr =
      a.newStreamTranslator(Operation::ChatCompletions, {.stream = true, .include_usage = true});
  auto chunks = feedAll(*tr, readFixture("openai/stream_usage.sse"), 1);
  ASSERT_TRUE(chunks);
  ASSERT_EQ(chunks->size(), 5u);
  EXPECT_EQ(chunks->back().as_object().at("usage").as_object().at("total_tokens"), 15);
}

TEST(OpenAiStream, EventsAfterDoneAreSkipped) {
  OpenAiAdapter a;
  auto tr = a.newStreamTranslator(Operation::ChatCompletions, {});
  auto chunks = feedAll(*tr, "data: [DONE]\n\ndata: {\"choices\":[]}\n\n");
  ASSERT_TRUE(chunks);
  EXPECT_TRUE(chunks->empty());
  EXPECT_EQ(tr->skippedEvents(), 1u);
}

TEST(OpenAiStream, DropsAzurePromptFilterChunk) {
  // Azure's first chunk: no choices, an empty object name, prompt_filter_results only.
  OpenAiAdapter a;
  auto tr = a.newStreamTranslator(Operation::ChatCompletions, {.stream = true});
  auto chunks = feedAll(
      *tr,
      "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
      "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}\n\n"
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
      "\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
      "data: [DONE]\n\n");
  ASSERT_TRUE(chunks) << chunks.error().message;
  ASSERT_EQ(chunks->size(), 1u);
  EXPECT_EQ(chunks->front().as_object().at("id"), "c1");
  EXPECT_EQ(tr->skippedEvents(), 1u);
}

struct MalformedCase {
  const char* name;
  const char* sse;
};

class OpenAiStreamMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(OpenAiStreamMalformed, IsAnUpstreamError) {
  OpenAiAdapter a;
  auto tr = a.newStreamTranslator(Operation::ChatCompletions, {});
  auto chunks = feedAll(*tr, GetParam().sse);
  ASSERT_FALSE(chunks);
  EXPECT_EQ(chunks.error().code, ErrorCode::UpstreamError);
  EXPECT_EQ(chunks.error().message.find("sk-live-abcdefgh1234"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Table, OpenAiStreamMalformed,
    ::testing::Values(MalformedCase{"BadJson", "data: {\"choices\":[\n\n"},
                      MalformedCase{"NotAnObject", "data: [1,2]\n\n"},
                      MalformedCase{"BadJsonWithoutTrailingBlankLine", "data: {oops"},
                      MalformedCase{
                          "ErrorEvent",
                          "data: {\"error\":{\"message\":\"bad key sk-live-abcdefgh1234\"}}\n\n"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(OpenAiError, KeepsStatusMessageParamAndRetryAfterButNotTheKey) {
  OpenAiAdapter a;
  UpstreamResponse resp{401, {{"Retry-After", "7"}}, readFixture("openai/error_401.json")};
  Error e = a.mapError(resp);
  EXPECT_EQ(e.code, ErrorCode::UpstreamError);
  EXPECT_EQ(e.upstream_status, 401);
  EXPECT_EQ(e.retry_after_seconds, 7);
  EXPECT_NE(e.message.find("Incorrect API key provided"), std::string::npos);
  EXPECT_EQ(e.message.find("sk-test-secret-key-123456"), std::string::npos);
}

TEST(OpenAiError, LooseShapesAndNonJsonBodies) {
  OpenAiAdapter a;
  EXPECT_EQ(a.mapError({429, {{"retry-after-ms", "1500"}}, R"({"error":"slow down"})"}).message,
            "slow down");
  EXPECT_EQ(a.mapError({429, {{"retry-after-ms", "1500"}}, "{}"}).retry_after_seconds, 2);
  EXPECT_EQ(a.mapError({400, {}, R"({"detail":"bad"})"}).message, "bad");
  auto e = a.mapError({400, {}, R"({"error":{"message":"m","param":"temperature"}})"});
  EXPECT_EQ(e.param, "temperature");
  auto html = a.mapError({502, {}, "<html>Bad gateway</html>"});
  EXPECT_EQ(html.message, "the provider answered HTTP 502");
  EXPECT_EQ(html.upstream_status, 502);
}

TEST(AdapterUtil, RedactionAndRetryAfter) {
  EXPECT_EQ(redactSecrets("key sk-abc123456789 and Bearer tok.en-1 ok"),
            "key *** and Bearer *** ok");
  EXPECT_EQ(redactSecrets("AKIAIOSFODNN7EXAMPLE is bad"), "*** is bad");
  EXPECT_EQ(redactSecrets("nothing here"), "nothing here");
  EXPECT_FALSE(retryAfterSeconds({{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
  EXPECT_EQ(retryAfterSeconds({{"retry-after", "2.5"}}), 3);
  auto p = testProvider("openai", "https://x");
  p.config["secret_access_key"] = "wJalrXUtnFEMI/K7MDENG";
  Error e = redactCredentials(
      makeError(ErrorCode::UpstreamError, "sk-test-secret-key-123456 / wJalrXUtnFEMI/K7MDENG"), p);
  EXPECT_EQ(e.message, "*** / ***");
  EXPECT_EQ(parseRfc3339("2024-10-22T00:00:00Z"), 1729555200);
  EXPECT_FALSE(parseRfc3339("yesterday"));
}

}  // namespace
}  // namespace gw::providers::openai
