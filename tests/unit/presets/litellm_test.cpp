#include "presets/litellm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "presets/apply.hpp"
#include "unit/presets/fixture.hpp"

namespace gw::presets {
namespace {

const Preset* byName(const std::vector<Preset>& all, std::string_view name) {
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const Preset& p) { return p.name == name; });
  return it == all.end() ? nullptr : &*it;
}

class LiteLlmFile : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    text_ = new std::string(testing::readLiteLlmFixture());
    ASSERT_GT(text_->size(), 900'000u) << "fixture missing: " << GW_SHARED_DATA_DIR;
  }
  static void TearDownTestSuite() { delete text_; }
  static std::string* text_;
};
std::string* LiteLlmFile::text_ = nullptr;

TEST_F(LiteLlmFile, ParsesEveryModelAndSkipsSampleSpec) {
  auto parsed = parseLiteLlmDetailed(*text_);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->presets.size(), 1803u);
  EXPECT_EQ(parsed->skipped, 0u);
  EXPECT_EQ(byName(parsed->presets, "sample_spec"), nullptr);
}

TEST_F(LiteLlmFile, Gpt4oPricesArePerMillionTokens) {
  auto all = parseLiteLlm(*text_);
  ASSERT_TRUE(all);
  const auto* p = byName(*all, "gpt-4o");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->provider, "openai");
  EXPECT_EQ(p->mode, "chat");
  EXPECT_EQ(p->input_price, 2.5);
  EXPECT_EQ(p->output_price, 10.0);
  EXPECT_EQ(p->cached_input_price, 1.25);
  EXPECT_EQ(p->max_input_tokens, 128000);
  EXPECT_EQ(p->max_output_tokens, 16384);
  EXPECT_TRUE(p->capabilities.tools);
  EXPECT_TRUE(p->capabilities.vision);
  EXPECT_TRUE(p->capabilities.json_mode);
  EXPECT_FALSE(p->capabilities.reasoning);
}

TEST_F(LiteLlmFile, ClaudePrices) {
  auto all = parseLiteLlm(*text_);
  ASSERT_TRUE(all);
  const auto* p = byName(*all, "claude-3-5-sonnet-20241022");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->provider, "anthropic");
  EXPECT_EQ(p->input_price, 3.0);
  EXPECT_EQ(p->output_price, 15.0);
  EXPECT_EQ(p->cached_input_price, 0.3);
  EXPECT_EQ(p->max_input_tokens, 200000);
  EXPECT_EQ(p->max_output_tokens, 8192);
}

TEST_F(LiteLlmFile, ReasoningAndEmbeddingModels) {
  auto all = parseLiteLlm(*text_);
  ASSERT_TRUE(all);
  const auto* o1 = byName(*all, "o1");
  ASSERT_NE(o1, nullptr);
  EXPECT_TRUE(o1->capabilities.reasoning);
  const auto* emb = byName(*all, "text-embedding-3-small");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->mode, "embedding");
  EXPECT_EQ(emb->input_price, 0.02);
}

TEST_F(LiteLlmFile, ParsesWellUnder100Ms) {
  // Not a benchmark: a guard against an accidental quadratic step. Debug builds included.
  const auto start = std::chrono::steady_clock::now();
  auto all = parseLiteLlm(*text_);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(all);
  EXPECT_LT(took, std::chrono::milliseconds(100));
}

TEST(LiteLlmParse, ToleratesQuirks) {
  const auto text = R"({
    "sample_spec": {"max_tokens": "LEGACY parameter", "input_cost_per_token": 0.0},
    "float-limits": {"max_tokens": 8192.0, "max_output_tokens": 4096.0,
                     "input_cost_per_token": 1, "output_cost_per_token": 2e-06,
                     "litellm_provider": "x", "mode": "chat", "brand_new_field": {"a": [1]}},
    "not-an-object": 42,
    "also-not": [1, 2],
    "tool-choice-only": {"supports_tool_choice": true, "max_input_tokens": "lots"}
  })";
  auto parsed = parseLiteLlmDetailed(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->presets.size(), 2u);
  EXPECT_EQ(parsed->skipped, 2u);
  const auto& f = parsed->presets[0];
  EXPECT_EQ(f.name, "float-limits");
  EXPECT_EQ(f.max_input_tokens, 8192);  // from legacy max_tokens
  EXPECT_EQ(f.max_output_tokens, 4096);
  EXPECT_EQ(f.input_price, 1'000'000.0);
  EXPECT_EQ(f.output_price, 2.0);
  EXPECT_FALSE(f.cached_input_price);
  const auto& t = parsed->presets[1];
  EXPECT_TRUE(t.capabilities.tools);
  EXPECT_FALSE(t.max_input_tokens);  // a string is not a limit
  EXPECT_EQ(t.mode, "");
}

TEST(LiteLlmParse, RejectsWhatIsNotAPriceFile) {
  EXPECT_FALSE(parseLiteLlm("{\"gpt-4o\": {"));
  EXPECT_FALSE(parseLiteLlm("[1, 2]"));
  EXPECT_FALSE(parseLiteLlm("{}"));
  EXPECT_FALSE(parseLiteLlm("{\"sample_spec\": {}}"));
  EXPECT_FALSE(parseLiteLlm("<html>rate limited</html>"));
  auto r = parseLiteLlm("{\"a\": 1}");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no model entries"), std::string::npos);
}

}  // namespace
}  // namespace gw::presets
