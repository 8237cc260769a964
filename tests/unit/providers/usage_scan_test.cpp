#include <gtest/gtest.h>

#include "providers/adapter_util.hpp"
#include "providers/openai/openai_adapter.hpp"

namespace gw::providers {
namespace {

/// The DOM reading the scanner must agree with.
Usage domUsage(std::string_view body) {
  auto o = parseUpstreamJson(body).value();
  const auto* u = getObject(o, "usage");
  return u ? usageFromOpenAi(*u) : Usage{};
}

void expectSame(const Usage& a, const Usage& b, std::string_view body) {
  EXPECT_EQ(a.known, b.known) << body;
  EXPECT_EQ(a.prompt_tokens, b.prompt_tokens) << body;
  EXPECT_EQ(a.completion_tokens, b.completion_tokens) << body;
  EXPECT_EQ(a.cached_tokens, b.cached_tokens) << body;
}

TEST(UsageScan, AgreesWithTheDomReading) {
  const std::vector<std::string> bodies = {
      R"({"id":"x","usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}})",
      R"({"usage":{"prompt_tokens":3,"completion_tokens":4,
          "prompt_tokens_details":{"cached_tokens":2}},"choices":[]})",
      R"({"usage":{"prompt_tokens":3,"prompt_cache_hit_tokens":1,"completion_tokens":4}})",
      // details win over the older field even when they come second, and count 0 without
      // cached_tokens
      R"({"usage":{"prompt_cache_hit_tokens":9,"prompt_tokens_details":{"audio_tokens":1}}})",
      R"({"usage":{"prompt_cache_hit_tokens":9,"prompt_tokens_details":{"cached_tokens":4}}})",
      // look-alikes nested deeper are not the usage
      R"({"choices":[{"usage":{"prompt_tokens":99}}],"meta":{"usage":{"prompt_tokens":98}}})",
      R"({"usage":null})",
      R"({"usage":[1,2]})",
      R"({"usage":{"prompt_tokens":7.0,"completion_tokens":"8","extra":{"prompt_tokens":1}}})",
      R"({"usage":{"prompt_tokens":18446744073709551615,"completion_tokens":1}})",
      R"({"choices":[{"message":{"content":"usage \"prompt_tokens\": 5"}}]})",
      R"({})",
  };
  for (const auto& b : bodies) {
    auto scanned = scanOpenAiUsage(b);
    ASSERT_TRUE(scanned) << b;
    expectSame(*scanned, domUsage(b), b);
  }
}

TEST(UsageScan, RefusesWhatIsNotOneJsonObject) {
  for (std::string_view bad :
       {"", "{nope", R"({"a":1} trailing)", "[1,2]", "42", R"({"a":)", R"("usage")"}) {
    auto r = scanOpenAiUsage(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::UpstreamError);
  }
}

TEST(UsageScan, OpenAiAnswersPassThroughWhenTheCallerAllows) {
  openai::OpenAiAdapter a;
  const std::string body =
      R"({"id":"c1","object":"chat.completion","model":"up","choices":[],)"
      R"("usage":{"prompt_tokens":2,"completion_tokens":3},"vendor_field":{"kept":true}})";
  RequestOptions options;
  options.passthrough_ok = true;
  auto r = a.parseResponse(Operation::ChatCompletions, {200, {}, body}, options);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->passthrough);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->usage.prompt_tokens, 2);
  EXPECT_EQ(r->usage.completion_tokens, 3);
  // Without the caller's leave, and for model lists and embeddings, the body is built.
  auto dom = a.parseResponse(Operation::ChatCompletions, {200, {}, body}, {});
  ASSERT_TRUE(dom);
  EXPECT_FALSE(dom->passthrough);
  EXPECT_EQ(dom->body.at("vendor_field").at("kept"), json::value(true));
  auto list = a.parseResponse(Operation::ListModels, {200, {}, R"({"data":[]})"}, options);
  ASSERT_TRUE(list);
  EXPECT_FALSE(list->passthrough);
  // Malformed answers fail the same way on both paths.
  EXPECT_FALSE(a.parseResponse(Operation::ChatCompletions, {200, {}, "{nope"}, options));
}

}  // namespace
}  // namespace gw::providers

namespace gw::providers {
namespace {

TEST(ChunkScan, ReadsErrorNullUsageAndChoices) {
  auto f = scanOpenAiChunk(R"({"choices":[{"delta":{"content":"x"}}],"usage":null})").value();
  EXPECT_EQ(f.choices, 1);
  EXPECT_TRUE(f.usage_null);
  EXPECT_FALSE(f.usage.known);
  EXPECT_FALSE(f.error);
  f = scanOpenAiChunk(R"({"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}})")
          .value();
  EXPECT_EQ(f.choices, 0);
  EXPECT_TRUE(f.usage.known);
  EXPECT_EQ(f.usage.completion_tokens, 2);
  f = scanOpenAiChunk(R"({"error":{"message":"boom"},"choices":"no"})").value();
  EXPECT_TRUE(f.error);
  EXPECT_EQ(f.choices, -1);
  f = scanOpenAiChunk(R"({"error":null,"x":{"choices":[1],"error":1}})").value();
  EXPECT_FALSE(f.error);
  EXPECT_EQ(f.choices, -1);
  EXPECT_FALSE(scanOpenAiChunk("[1]"));
}

/// The events a stream translator hands out, as parsed JSON: text (`data:` lines) and chunks.
std::vector<json::value> sent(StreamTranslator& t, const std::vector<json::object>& chunks) {
  std::vector<json::value> out;
  for (const auto& c : chunks) {
    out.emplace_back(c);
  }
  const std::string text = t.takeText();
  std::size_t pos = 0;
  while ((pos = text.find("data: ", pos)) != std::string::npos) {
    const auto end = text.find("\n\n", pos);
    out.push_back(parseJson(text.substr(pos + 6, end - pos - 6)).value());
    pos = end;
  }
  return out;
}

TEST(ChunkScan, TextModeSendsWhatTheDomPathSends) {
  const std::string stream =
      R"(data: {"id":"a","object":"","choices":[],"prompt_filter_results":[]})"
      "\n\n"
      R"(data: {"id":"a","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null})"
      "\n\n"
      R"(data: {"id":"a","choices":[{"index":0,"delta":{"content":"Hel\nlo \u00e9"}}],"x_vendor":{"k":[1,2]}})"
      "\n\n"
      R"(data: {"id":"a","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"
      "\n\n"
      R"(data: {"id":"a","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"prompt_tokens_details":{"cached_tokens":1}}})"
      "\n\n"
      "data: [DONE]\n\n";
  openai::OpenAiAdapter a;
  for (const bool include_usage : {false, true}) {
    RequestOptions dom_options;
    dom_options.stream = true;
    dom_options.include_usage = include_usage;
    RequestOptions text_options = dom_options;
    text_options.passthrough_ok = true;
    auto dom = a.newStreamTranslator(Operation::ChatCompletions, dom_options);
    auto text = a.newStreamTranslator(Operation::ChatCompletions, text_options);
    std::vector<json::object> dom_chunks;
    std::vector<json::object> text_chunks;
    // Fed in uneven pieces, as the network delivers them.
    for (std::size_t i = 0; i < stream.size(); i += 37) {
      ASSERT_TRUE(dom->onData(std::string_view(stream).substr(i, 37), dom_chunks));
      ASSERT_TRUE(text->onData(std::string_view(stream).substr(i, 37), text_chunks));
    }
    ASSERT_TRUE(dom->onEnd(dom_chunks));
    ASSERT_TRUE(text->onEnd(text_chunks));
    EXPECT_TRUE(text_chunks.empty());
    const auto expected = sent(*dom, dom_chunks);
    EXPECT_EQ(sent(*text, text_chunks), expected);
    EXPECT_EQ(expected.size(), include_usage ? 4u : 3u);  // annotation dropped; usage if asked
    EXPECT_EQ(text->usage().prompt_tokens, 3);
    EXPECT_EQ(text->usage().cached_tokens, 1);
    EXPECT_EQ(text->skippedEvents(), dom->skippedEvents());
  }
}

TEST(ChunkScan, TextModeReportsUpstreamErrorsAndMalformedEvents) {
  openai::OpenAiAdapter a;
  RequestOptions options;
  options.stream = true;
  options.passthrough_ok = true;
  std::vector<json::object> chunks;
  auto t = a.newStreamTranslator(Operation::ChatCompletions, options);
  ASSERT_TRUE(t->onData("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n", chunks));
  auto e = t->onData("data: {\"error\":{\"message\":\"overloaded\"}}\n\n", chunks);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("overloaded"), std::string::npos);
  EXPECT_NE(t->takeText().find("\"a\""), std::string::npos);  // what came before stays
  auto bad = a.newStreamTranslator(Operation::ChatCompletions, options);
  EXPECT_FALSE(bad->onData("data: {nope\n\n", chunks));
}

}  // namespace
}  // namespace gw::providers

namespace gw::providers {
namespace {

/// Whether Boost.JSON's parser (default options) takes `body` as one object.
bool boostTakes(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  return !ec && v.is_object();
}

TEST(ChunkScan, RefusesExactlyWhatTheJsonParserRefuses) {
  const std::vector<std::string> cases = {
      R"({"a":1e999,"b":-1e-999,"c":123456789012345678901234567890})",
      R"({"s":"\ud800\udc00 \u00e9 \/ \b\f\n\r\t \" \\"})",
      R"({"s":"\ud800"})",        // a high surrogate alone
      R"({"s":"\udc00"})",        // a low surrogate alone
      R"({"s":"\ud800\u0041"})",  // a high surrogate, then no low one
      R"({"s":"\ud800x"})",
      R"({"s":"\x"})",
      R"({"s":"\u12G4"})",
      "{\"s\":\"tab\tinside\"}",  // a raw control character
      R"({"a":01})",
      R"({"a":-})",
      R"({"a":1.})",
      R"({"a":.5})",
      R"({"a":1e})",
      R"({"a":+1})",
      R"({"a":-0.0e+5})",
      R"({"a":[1,]})",
      R"({"a":1,})",
      R"({,})",
      R"({"a" 1})",
      R"({"a":tru})",
      R"({"a":nul})",
      R"({"a":[true,false,null,{},[]]})",
      " \r\n\t{\"a\":1} \n",
      R"({"a":1}})",
      R"({"a":"unterminated)",
      R"({"a":[1 2]})",
      R"({1:2})",
  };
  for (const auto& c : cases) {
    EXPECT_EQ(static_cast<bool>(scanOpenAiChunk(c)), boostTakes(c)) << c;
  }
  // Nesting: Boost.JSON's default limit is 32 containers, objects or arrays.
  for (int n : {31, 32, 33}) {
    std::string arrays = "{\"a\":" + std::string(n - 1, '[') + std::string(n - 1, ']') + "}";
    EXPECT_EQ(static_cast<bool>(scanOpenAiChunk(arrays)), boostTakes(arrays)) << n;
    EXPECT_EQ(static_cast<bool>(scanOpenAiChunk(arrays)), n <= 32) << n;
  }
}

TEST(ChunkScan, AgreesWithTheJsonParserOnMutatedAnswers) {
  // Every one-byte deletion and insertion (of bytes JSON cares about) of a real answer: the
  // scanner must accept exactly what the parser accepts, and read the same usage when it does.
  const std::string answer =
      R"({"id":"chatcmpl-1","object":"chat.completion","created":1795879394,"model":"m",)"
      R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hi \"there\"\n",)"
      R"("tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},)"
      R"("logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,)"
      R"("completion_tokens":-3.5e1,"prompt_tokens_details":{"cached_tokens":4}},"x":[true,false]})";
  const std::string inserted = "{}[]\":,\\ 0-.eE+tnu\x01";
  int accepted = 0;
  int total = 0;
  auto check = [&](const std::string& body) {
    const bool ok = boostTakes(body);
    auto scanned = scanOpenAiChunk(body);
    ASSERT_EQ(static_cast<bool>(scanned), ok) << body;
    if (ok) {
      ++accepted;
      expectSame(scanned->usage, domUsage(body), body);
    }
    ++total;
  };
  for (std::size_t i = 0; i <= answer.size(); ++i) {
    if (i < answer.size()) {
      check(answer.substr(0, i) + answer.substr(i + 1));
    }
    for (const char c : inserted) {
      check(answer.substr(0, i) + c + answer.substr(i));
    }
  }
  // Both outcomes occur, or the comparison proves little.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(total - accepted, 1000);
}

}  // namespace
}  // namespace gw::providers
