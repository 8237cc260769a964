// Gemini adapter: golden fixtures (tests/data/providers/gemini/<case>/), request mapping
// details, finish reasons, stream translation and its malformed-event table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "providers/gemini/gemini_adapter.hpp"

namespace gw::providers::gemini {
namespace {

constexpr std::int64_t kNow = 1700000000;

std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(GW_TEST_DATA_DIR) + "/providers/gemini/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json::value fixtureJson(const std::string& name) { return parseJson(readFixture(name)).value(); }

ProviderConfig provider() {
  ProviderConfig p;
  p.name = "gem";
  p.type = "gemini";
  p.family = "gemini";
  p.api_key = "AIzaTESTKEY";
  return p;
}

RequestOptions options(bool stream = false, bool include_usage = false) {
  RequestOptions o;
  o.stream = stream;
  o.include_usage = include_usage;
  o.public_model = "my-gemini";
  o.unix_time = kNow;
  return o;
}

class GeminiTest : public ::testing::Test {
protected:
  Result<UpstreamRequest> build(const json::value& body, bool stream = false,
                                Operation op = Operation::ChatCompletions) const {
    return adapter_->buildRequest(op, body.as_object(), provider_, options(stream));
  }

  Result<json::object> upstreamBody(std::string_view body_json) const {
    auto req = build(parseJson(body_json).value());
    if (!req) {
      return req.error();
    }
    return parseJsonObject(req->body);
  }

  Result<ParsedResponse> parse(std::string body, Operation op = Operation::ChatCompletions) const {
    UpstreamResponse r;
    r.status = 200;
    r.body = std::move(body);
    return adapter_->parseResponse(op, r, options());
  }

  /// Feeds `wire` cut at `cut` (and the rest), then ends the stream.
  Result<std::vector<json::object>> stream(std::string_view wire, bool include_usage = true,
                                           std::size_t cut = std::string_view::npos) const {
    auto tr = adapter_->newStreamTranslator(Operation::ChatCompletions,
                                            options(true, include_usage));
    std::vector<json::object> out;
    cut = std::min(cut, wire.size());
    if (auto r = tr->onData(wire.substr(0, cut), out); !r) {
      return r.error();
    }
    if (auto r = tr->onData(wire.substr(cut), out); !r) {
      return r.error();
    }
    if (auto r = tr->onEnd(out); !r) {
      return r.error();
    }
    return out;
  }

  static json::value asArray(const std::vector<json::object>& chunks) {
    json::array a;
    for (const auto& c : chunks) {
      a.push_back(c);
    }
    return a;
  }

  AdapterPtr adapter_ = makeGeminiAdapter();
  ProviderConfig provider_ = provider();
};

TEST_F(GeminiTest, FamilyIsGemini) { EXPECT_EQ(adapter_->family(), "gemini"); }

TEST_F(GeminiTest, GoldenChatBasicRequest) {
  auto req = build(fixtureJson("chat_basic/request.json"));
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url,
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
  EXPECT_FALSE(req->stream);
  ASSERT_NE(findHeader(req->headers, "x-goog-api-key"), nullptr);
  EXPECT_EQ(*findHeader(req->headers, "x-goog-api-key"), "AIzaTESTKEY");
  EXPECT_EQ(findHeader(req->headers, "authorization"), nullptr);
  EXPECT_EQ(parseJson(req->body).value(), fixtureJson("chat_basic/expected_upstream.json"));
}

TEST_F(GeminiTest, GoldenChatBasicResponse) {
  auto r = parse(readFixture("chat_basic/upstream_response.json"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json::value(r->body), fixtureJson("chat_basic/expected.json"));
  EXPECT_TRUE(r->usage.known);
  EXPECT_EQ(r->usage.prompt_tokens, 120);
  EXPECT_EQ(r->usage.completion_tokens, 39);
  EXPECT_EQ(r->usage.cached_tokens, 100);
}

TEST_F(GeminiTest, GoldenChatToolsRequest) {
  auto req = build(fixtureJson("chat_tools/request.json"));
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->url, "https://generativelanguage.googleapis.com/v1beta/models/"
                      "gemini-2.0-flash:generateContent");  // "models/" prefix stripped
  EXPECT_EQ(parseJson(req->body).value(), fixtureJson("chat_tools/expected_upstream.json"));
}

TEST_F(GeminiTest, GoldenChatToolsResponse) {
  auto r = parse(readFixture("chat_tools/upstream_response.json"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json::value(r->body), fixtureJson("chat_tools/expected.json"));
}

TEST_F(GeminiTest, GoldenStreamText) {
  auto chunks = stream(readFixture("stream_text/upstream.sse"));
  ASSERT_TRUE(chunks) << chunks.error().message;
  EXPECT_EQ(asArray(*chunks), fixtureJson("stream_text/expected.json"));
}

TEST_F(GeminiTest, GoldenStreamTools) {
  auto chunks = stream(readFixture("stream_tools/upstream.sse"), false);
  ASSERT_TRUE(chunks) << chunks.error().message;
  EXPECT_EQ(asArray(*chunks), fixtureJson("stream_tools/expected.json"));
}

TEST_F(GeminiTest, StreamSplitAtEveryByteGivesTheSameChunks) {
  const std::string wire = readFixture("stream_text/upstream.sse");
  const json::value expected = fixtureJson("stream_text/expected.json");
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    auto chunks = stream(wire, true, cut);
    ASSERT_TRUE(chunks) << cut;
    ASSERT_EQ(asArray(*chunks), expected) << cut;
  }
}

TEST_F(GeminiTest, StreamingRequestUsesSseEndpoint) {
  auto req = build(fixtureJson("chat_basic/request.json"), true);
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->stream);
  EXPECT_EQ(req->url, "https://generativelanguage.googleapis.com/v1beta/models/"
                      "gemini-2.5-flash:streamGenerateContent?alt=sse");
}

TEST_F(GeminiTest, BaseUrlOverrideAndExtraHeaders) {
  provider_.base_url = "http://127.0.0.1:9000/";
  provider_.extra_headers = {{"x-extra", "1"}};
  auto req = build(fixtureJson("chat_basic/request.json"));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "http://127.0.0.1:9000/v1beta/models/gemini-2.5-flash:generateContent");
  ASSERT_NE(findHeader(req->headers, "x-extra"), nullptr);
}

TEST_F(GeminiTest, JsonObjectResponseFormat) {
  auto body = upstreamBody(R"({"model":"g","messages":[{"role":"user","content":"x"}],
                              "response_format":{"type":"json_object"}})");
  ASSERT_TRUE(body);
  EXPECT_EQ(json::value(body->at("generationConfig")),
            parseJson(R"({"responseMimeType":"application/json"})").value());
}

TEST_F(GeminiTest, JsonSchemaResponseFormatUsesResponseJsonSchema) {
  auto body = upstreamBody(R"({"model":"g","messages":[{"role":"user","content":"x"}],
      "response_format":{"type":"json_schema","json_schema":{"name":"p","strict":true,
        "schema":{"type":"object","properties":{"a":{"type":"integer"}},
                  "additionalProperties":false}}}})");
  ASSERT_TRUE(body);
  EXPECT_EQ(json::value(body->at("generationConfig")), parseJson(R"({
      "responseMimeType":"application/json",
      "responseJsonSchema":{"type":"object","properties":{"a":{"type":"integer"}},
                            "additionalProperties":false}})").value());
}

TEST_F(GeminiTest, ToolChoiceStrings) {
  const std::pair<const char*, const char*> cases[] = {
      {"auto", "AUTO"}, {"none", "NONE"}, {"required", "ANY"}};
  for (const auto& [choice, mode] : cases) {
    auto body = upstreamBody(std::string(R"({"model":"g","messages":[{"role":"user","content":"x"}],
        "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":")") +
                             choice + "\"}");
    ASSERT_TRUE(body) << choice;
    EXPECT_EQ(json::value(body->at("toolConfig")),
              json::value(json::object{
                  {"functionCallingConfig", json::object{{"mode", mode}}}}))
        << choice;
  }
}

TEST_F(GeminiTest, HttpImageWithKnownExtensionBecomesFileData) {
  auto body = upstreamBody(R"({"model":"g","messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"https://example.com/cat.JPG?x=1"}}]}]})");
  ASSERT_TRUE(body);
  EXPECT_EQ(json::value(body->at("contents")), parseJson(R"([{"role":"user","parts":[
      {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cat.JPG?x=1"}}]}])")
                                                   .value());
}

TEST_F(GeminiTest, AudioInputBecomesInlineData) {
  auto body = upstreamBody(R"({"model":"g","messages":[{"role":"user","content":[
      {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}]})");
  ASSERT_TRUE(body);
  EXPECT_EQ(json::value(body->at("contents")), parseJson(R"([{"role":"user","parts":[
      {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}}]}])").value());
}

struct BadRequestCase {
  const char* name;
  const char* body;
  ErrorCode code;
  const char* param;
};

class GeminiBadRequest : public GeminiTest,
                         public ::testing::WithParamInterface<BadRequestCase> {};

TEST_P(GeminiBadRequest, IsRejectedNamingTheField) {
  const auto& c = GetParam();
  auto req = build(parseJson(c.body).value());
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error().code, c.code) << req.error().message;
  EXPECT_EQ(req.error().param, c.param) << req.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, GeminiBadRequest,
    ::testing::Values(
        BadRequestCase{"http_image_without_type",
                       R"({"model":"g","messages":[{"role":"user","content":[{"type":"image_url",
                          "image_url":{"url":"https://example.com/image?id=3"}}]}]})",
                       ErrorCode::Unsupported, "messages[0].content[0].image_url.url"},
        BadRequestCase{"tool_result_without_call",
                       R"({"model":"g","messages":[{"role":"user","content":"x"},
                          {"role":"tool","tool_call_id":"nope","content":"1"}]})",
                       ErrorCode::InvalidRequest, "messages[1].tool_call_id"},
        BadRequestCase{"non_function_tool",
                       R"({"model":"g","messages":[{"role":"user","content":"x"}],
                          "tools":[{"type":"web_search"}]})",
                       ErrorCode::Unsupported, "tools[0].type"},
        BadRequestCase{"bad_arguments",
                       R"({"model":"g","messages":[{"role":"assistant","tool_calls":[{"id":"c",
                          "type":"function","function":{"name":"f","arguments":"{oops"}}]}]})",
                       ErrorCode::InvalidRequest, "messages[0].tool_calls[0].function.arguments"},
        BadRequestCase{"file_part",
                       R"({"model":"g","messages":[{"role":"user","content":[{"type":"file",
                          "file":{"file_id":"f"}}]}]})",
                       ErrorCode::Unsupported, "messages[0].content[0].type"},
        BadRequestCase{"no_model", R"({"messages":[{"role":"user","content":"x"}]})",
                       ErrorCode::InvalidRequest, "model"},
        BadRequestCase{"only_system", R"({"model":"g","messages":[{"role":"system","content":"x"}]})",
                       ErrorCode::InvalidRequest, "messages"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(GeminiTest, FinishReasonTable) {
  const std::pair<const char*, const char*> cases[] = {
      {"STOP", "stop"},
      {"MAX_TOKENS", "length"},
      {"SAFETY", "content_filter"},
      {"RECITATION", "content_filter"},
      {"BLOCKLIST", "content_filter"},
      {"PROHIBITED_CONTENT", "content_filter"},
      {"SPII", "content_filter"},
      {"OTHER", "stop"},
  };
  for (const auto& [reason, expected] : cases) {
    auto r = parse(std::string(R"({"candidates":[{"content":{"parts":[{"text":"x"}]},
                                   "finishReason":")") +
                   reason + "\"}]}");
    ASSERT_TRUE(r) << reason;
    EXPECT_EQ(r->body.at("choices").as_array()[0].as_object().at("finish_reason"),
              json::value(expected))
        << reason;
  }
}

TEST_F(GeminiTest, BlockedPromptIsContentFilterWithEmptyContent) {
  auto r = parse(R"({"promptFeedback":{"blockReason":"SAFETY"},
                     "usageMetadata":{"promptTokenCount":8,"totalTokenCount":8}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json::value(r->body.at("choices")), parseJson(R"([{"index":0,"logprobs":null,
      "message":{"role":"assistant","content":""},"finish_reason":"content_filter"}])").value());
  EXPECT_EQ(r->usage.prompt_tokens, 8);
}

TEST_F(GeminiTest, ResponseWithoutCandidatesIsAnUpstreamError) {
  auto r = parse(R"({"usageMetadata":{}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UpstreamError);
}

TEST_F(GeminiTest, MalformedResponseIsAnUpstreamError) {
  auto r = parse("{not json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UpstreamError);
}

TEST_F(GeminiTest, StreamBlockedPrompt) {
  auto chunks = stream("data: {\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"}}\n\n",
                       false);
  ASSERT_TRUE(chunks) << chunks.error().message;
  ASSERT_EQ(chunks->size(), 2u);
  EXPECT_EQ(json::value((*chunks)[1].at("choices")),
            parseJson(R"([{"index":0,"delta":{},"finish_reason":"content_filter"}])").value());
}

TEST_F(GeminiTest, StreamWithoutUsageOptionHasNoUsageChunk) {
  auto chunks = stream(readFixture("stream_text/upstream.sse"), false);
  ASSERT_TRUE(chunks);
  EXPECT_EQ(chunks->size(), 4u);
  for (const auto& c : *chunks) {
    EXPECT_FALSE(c.contains("usage"));
  }
}

TEST_F(GeminiTest, StreamUsageAndSkippedEvents) {
  auto tr = adapter_->newStreamTranslator(Operation::ChatCompletions, options(true, true));
  std::vector<json::object> out;
  ASSERT_TRUE(tr->onData(": keep-alive\n\ndata: {\"unknown\":1}\n\n", out));
  ASSERT_TRUE(tr->onData(readFixture("stream_text/upstream.sse"), out));
  ASSERT_TRUE(tr->onEnd(out));
  EXPECT_EQ(tr->skippedEvents(), 1u);
  EXPECT_EQ(tr->usage().prompt_tokens, 5);
  EXPECT_EQ(tr->usage().completion_tokens, 7);
}

struct MalformedStreamCase {
  const char* name;
  const char* wire;
  const char* message_part;
};

class GeminiMalformedStream : public GeminiTest,
                              public ::testing::WithParamInterface<MalformedStreamCase> {};

TEST_P(GeminiMalformedStream, EndsWithAnUpstreamError) {
  auto chunks = stream(GetParam().wire);
  ASSERT_FALSE(chunks);
  EXPECT_EQ(chunks.error().code, ErrorCode::UpstreamError);
  EXPECT_NE(chunks.error().message.find(GetParam().message_part), std::string::npos)
      << chunks.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, GeminiMalformedStream,
    ::testing::Values(
        MalformedStreamCase{"bad_json", "data: {\"candidates\": [\n\n", "malformed stream event"},
        MalformedStreamCase{"not_an_object", "data: [1,2]\n\n", "malformed stream event"},
        MalformedStreamCase{"error_event",
                            "data: {\"error\":{\"code\":503,\"message\":\"overloaded\","
                            "\"status\":\"UNAVAILABLE\"}}\n\n",
                            "overloaded"},
        MalformedStreamCase{"no_finish_reason",
                            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}"
                            "\n\n",
                            "without a finishReason"},
        MalformedStreamCase{"empty_stream", "", "without a finishReason"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(GeminiTest, StreamErrorEventKeepsTheStatus) {
  auto chunks = stream("data: {\"error\":{\"code\":429,\"message\":\"quota\"}}\n\n");
  ASSERT_FALSE(chunks);
  EXPECT_EQ(chunks.error().upstream_status, 429);
}

TEST_F(GeminiTest, LastEventWithoutBlankLineStillCounts) {
  auto chunks = stream("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},"
                       "\"finishReason\":\"STOP\"}]}",
                       false);
  ASSERT_TRUE(chunks) << chunks.error().message;
  EXPECT_EQ(chunks->size(), 2u);
}

TEST_F(GeminiTest, EmbeddingsSingleInput) {
  auto req = build(parseJson(R"({"model":"text-embedding-004","input":"hello","dimensions":8})")
                       .value(),
                   false, Operation::Embeddings);
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->url, "https://generativelanguage.googleapis.com/v1beta/models/"
                      "text-embedding-004:embedContent");
  EXPECT_EQ(parseJson(req->body).value(),
            parseJson(R"({"content":{"parts":[{"text":"hello"}]},"outputDimensionality":8})")
                .value());
  auto r = parse(R"({"embedding":{"values":[0.5,-1.0]}})", Operation::Embeddings);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::value(r->body), parseJson(R"({"object":"list","model":"my-gemini",
      "data":[{"object":"embedding","index":0,"embedding":[0.5,-1.0]}],
      "usage":{"prompt_tokens":0,"total_tokens":0}})").value());
  EXPECT_FALSE(r->usage.known);
}

TEST_F(GeminiTest, EmbeddingsBatchInput) {
  auto req = build(parseJson(R"({"model":"text-embedding-004","input":["a","b"]})").value(),
                   false, Operation::Embeddings);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://generativelanguage.googleapis.com/v1beta/models/"
                      "text-embedding-004:batchEmbedContents");
  EXPECT_EQ(parseJson(req->body).value(), parseJson(R"({"requests":[
      {"model":"models/text-embedding-004","content":{"parts":[{"text":"a"}]}},
      {"model":"models/text-embedding-004","content":{"parts":[{"text":"b"}]}}]})").value());
  auto r = parse(R"({"embeddings":[{"values":[1]},{"values":[2]}]})", Operation::Embeddings);
  ASSERT_TRUE(r);
  const auto& data = r->body.at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[1].as_object().at("index"), json::value(1));
}

TEST_F(GeminiTest, EmbeddingsTokenArraysAreUnsupported) {
  auto req = build(parseJson(R"({"model":"e","input":[[1,2,3]]})").value(), false,
                   Operation::Embeddings);
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error().code, ErrorCode::Unsupported);
  EXPECT_EQ(req.error().param, "input[0]");
}

TEST_F(GeminiTest, ListModels) {
  auto req = build(json::object{}, false, Operation::ListModels);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "GET");
  EXPECT_EQ(req->url, "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000");
  EXPECT_TRUE(req->body.empty());
  auto r = parse(R"({"models":[{"name":"models/gemini-2.5-pro","displayName":"Gemini"},
                               {"name":"models/text-embedding-004"}],"nextPageToken":"x"})",
                 Operation::ListModels);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::value(r->body), parseJson(R"({"object":"list","data":[
      {"id":"gemini-2.5-pro","object":"model","created":0,"owned_by":"google"},
      {"id":"text-embedding-004","object":"model","created":0,"owned_by":"google"}]})").value());
}

TEST_F(GeminiTest, LegacyCompletionsAreUnsupported) {
  auto req = build(parseJson(R"({"model":"g","prompt":"x"})").value(), false,
                   Operation::Completions);
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error().code, ErrorCode::Unsupported);
}

TEST_F(GeminiTest, MapErrorReadsGoogleShape) {
  UpstreamResponse r;
  r.status = 429;
  r.headers = {{"Retry-After", "7"}};
  r.body = R"j({"error":{"code":429,"message":"Resource has been exhausted (key AIzaSECRETKEY1)",
                        "status":"RESOURCE_EXHAUSTED"}})j";
  const Error e = adapter_->mapError(r);
  EXPECT_EQ(e.code, ErrorCode::UpstreamError);
  EXPECT_EQ(e.upstream_status, 429);
  EXPECT_EQ(e.retry_after_seconds, 7);
  EXPECT_NE(e.message.find("RESOURCE_EXHAUSTED: Resource has been exhausted"), std::string::npos);
  EXPECT_EQ(e.message.find("AIzaSECRETKEY1"), std::string::npos);  // redacted
}

TEST_F(GeminiTest, MapErrorWithoutJsonBody) {
  UpstreamResponse r;
  r.status = 502;
  r.body = "<html>bad gateway</html>";
  const Error e = adapter_->mapError(r);
  EXPECT_EQ(e.upstream_status, 502);
  EXPECT_NE(e.message.find("HTTP 502"), std::string::npos);
}

}  // namespace
}  // namespace gw::providers::gemini
