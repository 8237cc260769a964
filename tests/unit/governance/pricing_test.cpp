#include "governance/pricing.hpp"

#include <gtest/gtest.h>

namespace gw::governance {
namespace {

json::object body(std::string_view text) { return parseJsonObject(text).value(); }

TEST(ComputeCost, PromptCompletionAndCachedPrices) {
  const ModelPrices prices{2.5, 10.0, 1.25};
  EXPECT_DOUBLE_EQ(computeCost({1'000'000, 0, 0}, prices), 2.5);
  EXPECT_DOUBLE_EQ(computeCost({0, 1'000'000, 0}, prices), 10.0);
  // 1000 prompt tokens of which 400 cached, 200 completion tokens.
  EXPECT_NEAR(computeCost({1000, 200, 400}, prices), (600 * 2.5 + 400 * 1.25 + 200 * 10.0) / 1e6,
              1e-15);
}

TEST(ComputeCost, MissingPricesAndOddCounts) {
  EXPECT_DOUBLE_EQ(computeCost({1000, 1000, 0}, ModelPrices{}), 0.0);
  // No cached price: cached tokens cost the input price.
  EXPECT_NEAR(computeCost({1000, 0, 500}, ModelPrices{3.0, 15.0, std::nullopt}), 3000 / 1e6,
              1e-15);
  // Cached above prompt is capped; negatives count as zero.
  EXPECT_NEAR(computeCost({100, -5, 400}, ModelPrices{3.0, 15.0, 0.3}), 100 * 0.3 / 1e6, 1e-15);
}

TEST(EstimateTokens, CharsOverFourPlusMessagesPlusMaxTokens) {
  // 40 characters of text in 2 messages: 10 + 2*4 + 100.
  auto b = body(R"({"model":"m","max_tokens":100,"messages":[
    {"role":"user","content":"aaaaaaaaaaaaaaaaaaaa"},
    {"role":"assistant","content":[{"type":"text","text":"bbbbbbbbbbbb"}]}]})");
  // role strings count too: "user"(4) + "assistant"(9) + 20 + "text"(4) + 12 = 49 chars -> 13.
  EXPECT_EQ(estimateTokens(b), 13 + 8 + 100);
}

TEST(EstimateTokens, ImagesAreNotCountedAsText) {
  const std::string big(40'000, 'A');
  auto b = body(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,)" +
                big + R"("}}]}]})");
  EXPECT_LT(estimateTokens(b), 20);
}

TEST(EstimateTokens, CompletionsEmbeddingsAndAnthropic) {
  EXPECT_EQ(estimateTokens(body(R"({"prompt":"abcdefgh","max_tokens":5})")), 2 + 5);
  EXPECT_EQ(estimateTokens(body(R"({"input":["abcd","efgh"]})")), 2);
  EXPECT_EQ(estimateTokens(body(R"({"system":"abcd","max_tokens":10,"messages":[]})")), 1 + 10);
  EXPECT_EQ(estimateTokens(body(R"({"max_completion_tokens":7,"max_tokens":99})")), 7);
  EXPECT_EQ(estimateTokens(body("{}")), 0);
}

}  // namespace
}  // namespace gw::governance
