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
  for (std::string_view bad : {"", "{nope", R"({"a":1} trailing)", "[1,2]", "42", R"({"a":)",
                               R"("usage")"}) {
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
