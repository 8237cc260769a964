// Bedrock adapter: golden fixtures (tests/data/providers/bedrock/<case>/), SigV4 wiring,
// ConverseStream translation over event-stream frames and its malformed-frame table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "providers/bedrock/bedrock_adapter.hpp"
#include "providers/bedrock/event_stream.hpp"

namespace gw::providers::bedrock {
namespace {

constexpr std::int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z

std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(GW_TEST_DATA_DIR) + "/providers/bedrock/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json::value fixtureJson(const std::string& name) { return parseJson(readFixture(name)).value(); }

std::string eventFrame(std::string_view type, std::string_view payload) {
  eventstream::Message m;
  m.headers.push_back(eventstream::Header::string(":event-type", std::string(type)));
  m.headers.push_back(eventstream::Header::string(":content-type", "application/json"));
  m.headers.push_back(eventstream::Header::string(":message-type", "event"));
  m.payload = payload;
  return eventstream::encodeMessage(m);
}

std::string exceptionFrame(std::string_view type, std::string_view message) {
  eventstream::Message m;
  m.headers.push_back(eventstream::Header::string(":exception-type", std::string(type)));
  m.headers.push_back(eventstream::Header::string(":message-type", "exception"));
  m.payload = toJson(json::object{{"message", message}});
  return eventstream::encodeMessage(m);
}

/// The wire bytes of events.json: [{"event": type, "payload": {...}}].
std::string framesFromFixture(const std::string& name) {
  std::string wire;
  const json::value events = fixtureJson(name);
  for (const auto& e : events.as_array()) {
    const auto& o = e.as_object();
    wire += eventFrame(o.at("event").as_string(), toJson(o.at("payload")));
  }
  return wire;
}

ProviderConfig provider() {
  ProviderConfig p;
  p.name = "aws";
  p.type = "bedrock";
  p.family = "bedrock";
  p.config = json::object{{"region", "us-east-1"},
                          {"access_key_id", "AKIDEXAMPLE"},
                          {"secret_access_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}};
  return p;
}

RequestOptions options(bool stream = false, bool include_usage = false) {
  RequestOptions o;
  o.stream = stream;
  o.include_usage = include_usage;
  o.public_model = "my-claude";
  o.unix_time = kNow;
  return o;
}

std::string header(const UpstreamRequest& r, std::string_view name) {
  const std::string* v = findHeader(r.headers, name);
  return v ? *v : "<absent>";
}

class BedrockTest : public ::testing::Test {
protected:
  Result<UpstreamRequest> build(std::string_view body, bool stream = false,
                                Operation op = Operation::ChatCompletions) const {
    return adapter_->buildRequest(op, parseJson(body).value().as_object(), provider_,
                                  options(stream));
  }

  Result<json::object> upstreamBody(std::string_view body) const {
    auto req = build(body);
    if (!req) {
      return req.error();
    }
    return parseJsonObject(req->body);
  }

  Result<ParsedResponse> parse(std::string body, Operation op = Operation::ChatCompletions,
                               Headers headers = {}) const {
    UpstreamResponse r;
    r.status = 200;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return adapter_->parseResponse(op, r, options());
  }

  struct StreamResult {
    Result<void> status;
    std::vector<json::object> chunks;
    std::size_t skipped = 0;
  };

  StreamResult stream(std::string_view wire, bool include_usage = true,
                      std::size_t cut = std::string_view::npos) const {
    auto tr = adapter_->newStreamTranslator(Operation::ChatCompletions,
                                            options(true, include_usage));
    StreamResult r;
    cut = std::min(cut, wire.size());
    r.status = tr->onData(wire.substr(0, cut), r.chunks);
    if (r.status) {
      r.status = tr->onData(wire.substr(cut), r.chunks);
    }
    if (r.status) {
      r.status = tr->onEnd(r.chunks);
    }
    r.skipped = tr->skippedEvents();
    return r;
  }

  static json::value asArray(const std::vector<json::object>& chunks) {
    json::array a;
    for (const auto& c : chunks) {
      a.push_back(c);
    }
    return a;
  }

  static constexpr std::string_view kSimple =
      R"({"model":"amazon.nova-lite-v1:0","messages":[{"role":"user","content":"Hi"}]})";

  AdapterPtr adapter_ = makeBedrockAdapter();
  ProviderConfig provider_ = provider();
};

TEST_F(BedrockTest, FamilyIsBedrock) { EXPECT_EQ(adapter_->family(), "bedrock"); }

TEST_F(BedrockTest, GoldenChatToolsRequest) {
  auto req = build(readFixture("chat_tools/request.json"));
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url, "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
                      "anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
  EXPECT_EQ(parseJson(req->body).value(), fixtureJson("chat_tools/expected_upstream.json"));
  EXPECT_EQ(header(*req, "content-type"), "application/json");
  EXPECT_EQ(header(*req, "accept"), "application/json");
  EXPECT_EQ(header(*req, "x-amz-date"), "20231114T221320Z");
  const std::string auth = header(*req, "authorization");
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/bedrock/"
                       "aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                       "Signature=",
                       0),
            0u)
      << auth;
  EXPECT_EQ(header(*req, "x-amz-security-token"), "<absent>");
}

TEST_F(BedrockTest, SigningIsDeterministicAndCoversTheBody) {
  auto a = build(kSimple);
  auto b = build(kSimple);
  auto c = build(R"({"model":"amazon.nova-lite-v1:0","messages":[{"role":"user","content":"Ho"}]})");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(header(*a, "authorization"), header(*b, "authorization"));
  EXPECT_NE(header(*a, "authorization"), header(*c, "authorization"));
}

TEST_F(BedrockTest, GoldenChatToolsResponse) {
  auto r = parse(readFixture("chat_tools/upstream_response.json"), Operation::ChatCompletions,
                 {{"x-amzn-RequestId", "req-123"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json::value(r->body), fixtureJson("chat_tools/expected.json"));
  EXPECT_EQ(r->usage.prompt_tokens, 130);
  EXPECT_EQ(r->usage.cached_tokens, 100);
  EXPECT_EQ(r->usage.completion_tokens, 12);
}

TEST_F(BedrockTest, GoldenStreamTools) {
  auto r = stream(framesFromFixture("stream_tools/events.json"));
  ASSERT_TRUE(r.status) << r.status.error().message;
  EXPECT_EQ(asArray(r.chunks), fixtureJson("stream_tools/expected.json"));
  EXPECT_EQ(r.skipped, 0u);
}

TEST_F(BedrockTest, StreamSplitAtEveryByteGivesTheSameChunks) {
  const std::string wire = framesFromFixture("stream_tools/events.json");
  const json::value expected = fixtureJson("stream_tools/expected.json");
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    auto r = stream(wire, true, cut);
    ASSERT_TRUE(r.status) << cut;
    ASSERT_EQ(asArray(r.chunks), expected) << cut;
  }
}

TEST_F(BedrockTest, StreamingRequestUsesConverseStream) {
  auto req = build(kSimple, true);
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->stream);
  EXPECT_EQ(req->url,
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1%3A0/"
            "converse-stream");
  EXPECT_EQ(header(*req, "accept"), "application/vnd.amazon.eventstream");
}

TEST_F(BedrockTest, InferenceProfileArnIsEncodedInThePath) {
  auto req = build(R"({"model":"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.x",
                       "messages":[{"role":"user","content":"Hi"}]})");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
                      "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.x/"
                      "converse");
}

TEST_F(BedrockTest, SessionTokenIsSentAndSigned) {
  provider_.config["session_token"] = "FQoGZXIvYXdzEXAMPLE";
  auto req = build(kSimple);
  ASSERT_TRUE(req);
  EXPECT_EQ(header(*req, "x-amz-security-token"), "FQoGZXIvYXdzEXAMPLE");
  EXPECT_NE(header(*req, "authorization")
                .find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"),
            std::string::npos);
}

TEST_F(BedrockTest, SecretFallsBackToApiKey) {
  provider_.config.erase("secret_access_key");
  provider_.api_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  auto with_api_key = build(kSimple);
  provider_ = provider();
  auto with_config = build(kSimple);
  ASSERT_TRUE(with_api_key && with_config);
  EXPECT_EQ(header(*with_api_key, "authorization"), header(*with_config, "authorization"));
}

TEST_F(BedrockTest, ApiKeyWithoutAccessKeyIdIsABearerToken) {
  provider_.config = json::object{{"region", "us-west-2"}};
  provider_.api_key = "ABSKbedrockapikey";
  auto req = build(kSimple);
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(header(*req, "authorization"), "Bearer ABSKbedrockapikey");
  EXPECT_EQ(header(*req, "x-amz-date"), "<absent>");
  EXPECT_EQ(req->url.rfind("https://bedrock-runtime.us-west-2.amazonaws.com/", 0), 0u);
}

TEST_F(BedrockTest, BaseUrlOverrideWithRegionPlaceholder) {
  provider_.base_url = "http://127.0.0.1:7777/{region}";
  provider_.extra_headers = {{"x-extra", "1"}};
  auto req = build(kSimple);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "http://127.0.0.1:7777/us-east-1/model/amazon.nova-lite-v1%3A0/converse");
  EXPECT_EQ(header(*req, "x-extra"), "1");
}

TEST_F(BedrockTest, MissingRegionOrCredentialsIsAConfigError) {
  provider_.config.erase("region");
  auto no_region = build(kSimple);
  ASSERT_FALSE(no_region);
  EXPECT_EQ(no_region.error().code, ErrorCode::UpstreamError);
  EXPECT_EQ(no_region.error().provider, "aws");
  EXPECT_TRUE(isRetryable(no_region.error()));
  provider_.config = json::object{{"region", "us-east-1"}};
  EXPECT_FALSE(build(kSimple));
}

TEST_F(BedrockTest, SigningWithoutATimeIsAnInternalError) {
  RequestOptions o = options();
  o.unix_time = 0;
  auto req = adapter_->buildRequest(Operation::ChatCompletions,
                                    parseJson(kSimple).value().as_object(), provider_, o);
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error().code, ErrorCode::Internal);
}

struct BadRequestCase {
  const char* name;
  const char* body;
  ErrorCode code;
  const char* param;
};

class BedrockBadRequest : public BedrockTest,
                          public ::testing::WithParamInterface<BadRequestCase> {};

TEST_P(BedrockBadRequest, IsRejectedNamingTheField) {
  auto req = build(GetParam().body);
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error().code, GetParam().code) << req.error().message;
  EXPECT_EQ(req.error().param, GetParam().param) << req.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BedrockBadRequest,
    ::testing::Values(
        BadRequestCase{"http_image",
                       R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url",
                          "image_url":{"url":"https://example.com/a.png"}}]}]})",
                       ErrorCode::Unsupported, "messages[0].content[0].image_url.url"},
        BadRequestCase{"bmp_image",
                       R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url",
                          "image_url":{"url":"data:image/bmp;base64,Qk0="}}]}]})",
                       ErrorCode::Unsupported, "messages[0].content[0].image_url.url"},
        BadRequestCase{"n_above_one",
                       R"({"model":"m","n":2,"messages":[{"role":"user","content":"x"}]})",
                       ErrorCode::Unsupported, "n"},
        BadRequestCase{"json_response_format",
                       R"({"model":"m","response_format":{"type":"json_object"},
                          "messages":[{"role":"user","content":"x"}]})",
                       ErrorCode::Unsupported, "response_format"},
        BadRequestCase{"tool_calls_without_tools",
                       R"({"model":"m","messages":[{"role":"user","content":"x"},
                          {"role":"assistant","tool_calls":[{"id":"t","type":"function",
                           "function":{"name":"f","arguments":"{}"}}]},
                          {"role":"tool","tool_call_id":"t","content":"1"}]})",
                       ErrorCode::InvalidRequest, "tools"},
        BadRequestCase{"tool_without_id",
                       R"({"model":"m","messages":[{"role":"tool","content":"1"}]})",
                       ErrorCode::InvalidRequest, "messages[0].tool_call_id"},
        BadRequestCase{"non_function_tool",
                       R"({"model":"m","messages":[{"role":"user","content":"x"}],
                          "tools":[{"type":"code_interpreter"}]})",
                       ErrorCode::Unsupported, "tools[0].type"},
        BadRequestCase{"no_model", R"({"messages":[{"role":"user","content":"x"}]})",
                       ErrorCode::InvalidRequest, "model"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(BedrockTest, ToolChoiceMapping) {
  const std::pair<const char*, const char*> cases[] = {
      {R"("auto")", R"({"auto":{}})"},
      {R"("required")", R"({"any":{}})"},
      {R"({"type":"function","function":{"name":"f"}})", R"({"tool":{"name":"f"}})"},
  };
  for (const auto& [choice, expected] : cases) {
    auto body = upstreamBody(std::string(R"({"model":"m","messages":[{"role":"user","content":"x"}],
        "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":)") +
                             choice + "}");
    ASSERT_TRUE(body) << choice;
    EXPECT_EQ(json::value(body->at("toolConfig").as_object().at("toolChoice")),
              parseJson(expected).value())
        << choice;
  }
}

TEST_F(BedrockTest, ToolChoiceNoneDropsTheTools) {
  auto body = upstreamBody(R"({"model":"m","messages":[{"role":"user","content":"x"}],
      "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none"})");
  ASSERT_TRUE(body);
  EXPECT_FALSE(body->contains("toolConfig"));
}

TEST_F(BedrockTest, ToolChoiceNoneKeepsToolsWhenHistoryHasToolCalls) {
  auto body = upstreamBody(R"({"model":"m","messages":[{"role":"user","content":"x"},
      {"role":"assistant","tool_calls":[{"id":"t","type":"function",
        "function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"t","content":"1"}],
      "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none"})");
  ASSERT_TRUE(body);
  ASSERT_TRUE(body->contains("toolConfig"));
  EXPECT_FALSE(body->at("toolConfig").as_object().contains("toolChoice"));
}

TEST_F(BedrockTest, BlankTextIsDropped) {
  auto body = upstreamBody(R"({"model":"m","messages":[{"role":"user","content":"x"},
      {"role":"assistant","content":""},{"role":"user","content":"y"}]})");
  ASSERT_TRUE(body);
  EXPECT_EQ(json::value(body->at("messages")), parseJson(R"([{"role":"user","content":[
      {"text":"x"},{"text":"y"}]}])").value());
}

TEST_F(BedrockTest, StopReasonTable) {
  const std::pair<const char*, const char*> cases[] = {
      {"end_turn", "stop"},
      {"stop_sequence", "stop"},
      {"max_tokens", "length"},
      {"guardrail_intervened", "content_filter"},
      {"content_filtered", "content_filter"},
      {"tool_use", "tool_calls"},
  };
  for (const auto& [reason, expected] : cases) {
    auto r = parse(std::string(R"({"output":{"message":{"role":"assistant",
        "content":[{"text":"x"}]}},"stopReason":")") + reason + "\"}");
    ASSERT_TRUE(r) << reason;
    EXPECT_EQ(r->body.at("choices").as_array()[0].as_object().at("finish_reason"),
              json::value(expected))
        << reason;
    EXPECT_FALSE(r->usage.known);
  }
}

TEST_F(BedrockTest, ResponseWithoutMessageIsAnUpstreamError) {
  auto r = parse(R"({"stopReason":"end_turn"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UpstreamError);
}

TEST_F(BedrockTest, StreamUnknownEventIsSkippedAndCounted) {
  const std::string wire = eventFrame("messageStart", R"({"role":"assistant"})") +
                           eventFrame("futureEvent", R"({"x":1})") +
                           eventFrame("contentBlockDelta", R"({"contentBlockIndex":0,
                               "delta":{"citation":{}}})") +
                           eventFrame("messageStop", R"({"stopReason":"end_turn"})");
  auto r = stream(wire, false);
  ASSERT_TRUE(r.status) << r.status.error().message;
  EXPECT_EQ(r.skipped, 2u);
  ASSERT_EQ(r.chunks.size(), 2u);
  EXPECT_EQ(json::value(r.chunks[1].at("choices")),
            parseJson(R"([{"index":0,"delta":{},"finish_reason":"stop"}])").value());
}

TEST_F(BedrockTest, StreamReasoningDelta) {
  const std::string wire =
      eventFrame("contentBlockDelta",
                 R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"hmm"}}})") +
      eventFrame("messageStop", R"({"stopReason":"max_tokens"})");
  auto r = stream(wire, false);
  ASSERT_TRUE(r.status);
  ASSERT_EQ(r.chunks.size(), 2u);
  EXPECT_EQ(json::value(r.chunks[0].at("choices").as_array()[0].as_object().at("delta")),
            parseJson(R"({"reasoning_content":"hmm"})").value());
  EXPECT_EQ(r.chunks[1].at("choices").as_array()[0].as_object().at("finish_reason"),
            json::value("length"));
}

TEST_F(BedrockTest, StreamExceptionFrameIsAnErrorWithItsStatus) {
  const std::string wire = eventFrame("messageStart", R"({"role":"assistant"})") +
                           exceptionFrame("throttlingException", "Too many requests");
  auto r = stream(wire);
  ASSERT_FALSE(r.status);
  EXPECT_EQ(r.status.error().code, ErrorCode::UpstreamError);
  EXPECT_EQ(r.status.error().upstream_status, 429);
  EXPECT_NE(r.status.error().message.find("throttlingException: Too many requests"),
            std::string::npos);
  EXPECT_EQ(r.chunks.size(), 1u);  // the chunk before the exception was still delivered
}

TEST_F(BedrockTest, StreamModelErrorException) {
  auto r = stream(exceptionFrame("modelStreamErrorException", "boom"));
  ASSERT_FALSE(r.status);
  EXPECT_EQ(r.status.error().upstream_status, 424);
}

struct MalformedFrameCase {
  const char* name;
  std::string (*wire)();
  const char* message_part;
};

std::string validStream() {
  return eventFrame("messageStart", R"({"role":"assistant"})") +
         eventFrame("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"hi"}})") +
         eventFrame("messageStop", R"({"stopReason":"end_turn"})");
}

class BedrockMalformedStream : public BedrockTest,
                               public ::testing::WithParamInterface<MalformedFrameCase> {};

TEST_P(BedrockMalformedStream, EndsWithAnUpstreamError) {
  auto r = stream(GetParam().wire());
  ASSERT_FALSE(r.status);
  EXPECT_EQ(r.status.error().code, ErrorCode::UpstreamError);
  EXPECT_NE(r.status.error().message.find(GetParam().message_part), std::string::npos)
      << r.status.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BedrockMalformedStream,
    ::testing::Values(
        MalformedFrameCase{"truncated_frame",
                           [] {
                             const std::string w = validStream();
                             return w.substr(0, w.size() - 3);
                           },
                           "inside an event-stream frame"},
        MalformedFrameCase{"bad_prelude_crc",
                           [] {
                             std::string w = validStream();
                             w[9] = static_cast<char>(w[9] ^ 1);
                             return w;
                           },
                           "prelude CRC"},
        MalformedFrameCase{"bad_message_crc",
                           [] {
                             std::string w = validStream();
                             w[20] = static_cast<char>(w[20] ^ 1);
                             return w;
                           },
                           "message CRC"},
        MalformedFrameCase{"bad_json_payload",
                           [] { return eventFrame("contentBlockDelta", "{not json"); },
                           "malformed contentBlockDelta payload"},
        MalformedFrameCase{"missing_message_stop",
                           [] {
                             return eventFrame("messageStart", R"({"role":"assistant"})");
                           },
                           "before messageStop"},
        MalformedFrameCase{"tool_delta_without_start",
                           [] {
                             return eventFrame("contentBlockDelta",
                                               R"({"contentBlockIndex":3,
                                                   "delta":{"toolUse":{"input":"{"}}})");
                           },
                           "without contentBlockStart"},
        MalformedFrameCase{"empty_stream", [] { return std::string(); }, "before messageStop"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(BedrockTest, EmbeddingsAndCompletionsAreUnsupported) {
  auto e = build(R"({"model":"amazon.titan-embed-text-v2:0","input":"x"})", false,
                 Operation::Embeddings);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ErrorCode::Unsupported);
  auto c = build(R"({"model":"m","prompt":"x"})", false, Operation::Completions);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::Unsupported);
}

TEST_F(BedrockTest, ListModelsUsesTheControlPlane) {
  auto req = build("{}", false, Operation::ListModels);
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->method, "GET");
  EXPECT_EQ(req->url, "https://bedrock.us-east-1.amazonaws.com/foundation-models");
  EXPECT_TRUE(req->body.empty());
  EXPECT_NE(header(*req, "authorization").find("/us-east-1/bedrock/aws4_request"),
            std::string::npos);
  auto r = parse(R"({"modelSummaries":[
      {"modelId":"anthropic.claude-3-haiku-20240307-v1:0","providerName":"Anthropic",
       "modelArn":"arn:x","outputModalities":["TEXT"]},
      {"modelId":"amazon.titan-embed-text-v2:0","providerName":"Amazon"},
      {"providerName":"broken"}]})",
                 Operation::ListModels);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::value(r->body), parseJson(R"({"object":"list","data":[
      {"id":"anthropic.claude-3-haiku-20240307-v1:0","object":"model","created":0,
       "owned_by":"Anthropic"},
      {"id":"amazon.titan-embed-text-v2:0","object":"model","created":0,"owned_by":"Amazon"}]})")
                                   .value());
}

TEST_F(BedrockTest, ListModelsWithARuntimeBaseUrlSwitchesHost) {
  provider_.base_url = "https://bedrock-runtime.eu-west-1.amazonaws.com";
  auto req = build("{}", false, Operation::ListModels);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://bedrock.eu-west-1.amazonaws.com/foundation-models");
}

TEST_F(BedrockTest, MapErrorReadsTypeHeaderAndMessage) {
  UpstreamResponse r;
  r.status = 400;
  r.headers = {{"x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/"},
               {"Retry-After", "3"}};
  r.body = R"({"message":"The provided model identifier is invalid."})";
  const Error e = adapter_->mapError(r);
  EXPECT_EQ(e.code, ErrorCode::UpstreamError);
  EXPECT_EQ(e.upstream_status, 400);
  EXPECT_EQ(e.retry_after_seconds, 3);
  EXPECT_EQ(e.message,
            "bedrock: ValidationException: The provided model identifier is invalid.");
}

TEST_F(BedrockTest, MapErrorWithoutBody) {
  UpstreamResponse r;
  r.status = 503;
  const Error e = adapter_->mapError(r);
  EXPECT_EQ(e.upstream_status, 503);
  EXPECT_EQ(e.message, "bedrock: HTTP 503");
}

}  // namespace
}  // namespace gw::providers::bedrock
