#include "presets/search.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "presets/litellm.hpp"
#include "unit/presets/fixture.hpp"

namespace gw::presets {
namespace {

class SearchRealFile : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    auto all = parseLiteLlm(testing::readLiteLlmFixture());
    ASSERT_TRUE(all) << all.error().message;
    index_ = new PresetIndex(std::move(*all));
  }
  static void TearDownTestSuite() { delete index_; }
  static PresetIndex* index_;
};
PresetIndex* SearchRealFile::index_ = nullptr;

TEST_F(SearchRealFile, ExactNameComesFirstWithItsPrices) {
  const auto hits = index_->search("gpt-4o");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].preset->name, "gpt-4o");
  EXPECT_EQ(hits[0].score, 1000);
  EXPECT_EQ(hits[0].preset->input_price, 2.5);
  EXPECT_EQ(hits[0].preset->output_price, 10.0);
  // Prefix matches ("gpt-4o-mini", "gpt-4o-2024-08-06") follow, in score order.
  ASSERT_GE(hits.size(), 5u);
  for (std::size_t i = 1; i < hits.size(); ++i) {
    EXPECT_LE(hits[i].score, hits[i - 1].score);
  }
  EXPECT_TRUE(hits[1].preset->name.starts_with("gpt-4o"));
}

TEST_F(SearchRealFile, CaseIsIgnored) {
  const auto hits = index_->search("GPT-4O", {}, 3);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].preset->name, "gpt-4o");
}

TEST_F(SearchRealFile, WordsFindClaudeSonnetModels) {
  const auto hits = index_->search("claude sonnet", {}, 20);
  ASSERT_GE(hits.size(), 10u);
  for (const auto& h : hits) {
    EXPECT_NE(h.preset->name.find("claude"), std::string::npos) << h.preset->name;
    EXPECT_NE(h.preset->name.find("sonnet"), std::string::npos) << h.preset->name;
  }
}

TEST_F(SearchRealFile, ProviderFilterUsesLiteLlmProviders) {
  const auto hits = index_->search("claude sonnet", "anthropic", 50);
  ASSERT_FALSE(hits.empty());
  for (const auto& h : hits) {
    EXPECT_EQ(h.preset->provider, "anthropic") << h.preset->name;
  }
  const auto sonnet45 = index_->search("claude-sonnet-4-5", "anthropic", 1);
  ASSERT_EQ(sonnet45.size(), 1u);
  EXPECT_EQ(sonnet45[0].preset->name, "claude-sonnet-4-5");
  EXPECT_EQ(sonnet45[0].preset->input_price, 3.0);
  EXPECT_EQ(sonnet45[0].preset->output_price, 15.0);
}

TEST_F(SearchRealFile, CatalogTypeAliasesSelectLiteLlmProviders) {
  for (const auto& h : index_->search("gpt-4o", "azure-openai", 20)) {
    EXPECT_TRUE(h.preset->provider == "azure" || h.preset->provider == "azure_text")
        << h.preset->provider;
  }
  const auto bedrock = index_->search("claude", "bedrock", 200);
  ASSERT_FALSE(bedrock.empty());
  bool converse = false;
  for (const auto& h : bedrock) {
    EXPECT_TRUE(h.preset->provider == "bedrock" || h.preset->provider == "bedrock_converse");
    converse = converse || h.preset->provider == "bedrock_converse";
  }
  EXPECT_TRUE(converse);
}

TEST_F(SearchRealFile, NormalisedMatchIgnoresPrefixesAndSeparators) {
  // "gemini-2.5-pro" in the gemini provider is listed as "gemini/gemini-2.5-pro".
  const auto hits = index_->search("gemini 2.5 pro", "gemini", 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].preset->name, "gemini/gemini-2.5-pro");
}

TEST_F(SearchRealFile, LimitIsHonoured) {
  EXPECT_EQ(index_->search("gpt", {}, 7).size(), 7u);
  EXPECT_EQ(index_->search("", "deepseek", 500).size(), 7u);
  EXPECT_TRUE(index_->search("zzzzqqqq-nothing").empty());
}

TEST_F(SearchRealFile, BestMatchForProviderModels) {
  auto m = index_->bestMatch("gpt-4o", "openai");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->preset->name, "gpt-4o");
  m = index_->bestMatch("gemini-2.5-pro", "gemini");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->preset->name, "gemini/gemini-2.5-pro");
  m = index_->bestMatch("claude-3-5-sonnet-latest", "anthropic");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->preset->name, "claude-3-5-sonnet-latest");
  m = index_->bestMatch("anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->preset->name, "anthropic.claude-3-5-sonnet-20241022-v2:0");
  // Plain or US/global Bedrock ids win over regional profiles that cost more.
  m = index_->bestMatch("claude-sonnet-4-5", "bedrock");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->preset->name, "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
  m = index_->bestMatch("gpt-4o", "azure-openai");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->preset->provider, "azure");
  // A custom OpenAI-compatible provider serving a well-known model still matches.
  m = index_->bestMatch("gpt-4o-mini", "custom");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->preset->name, "gpt-4o-mini");
  // Fuzzy resemblance is not enough to apply prices automatically.
  EXPECT_FALSE(index_->bestMatch("my-finetune-xyz", "openai"));
  EXPECT_FALSE(index_->bestMatch("", "openai"));
}

TEST(Normalize, StripsPrefixesSuffixesAndSeparators) {
  EXPECT_EQ(normalizeModelName("anthropic.claude-3-5-sonnet-20241022-v2:0"), "claude35sonnet");
  EXPECT_EQ(normalizeModelName("us.anthropic.claude-3-5-sonnet-20241022-v2:0"),
            "claude35sonnet");
  EXPECT_EQ(normalizeModelName("openai/gpt-4o"), "gpt4o");
  EXPECT_EQ(normalizeModelName("GPT-4o-2024-08-06"), "gpt4o");
  EXPECT_EQ(normalizeModelName("gpt-3.5-turbo-0125"), "gpt35turbo");
  EXPECT_EQ(normalizeModelName("claude-3-5-sonnet@20240620"), "claude35sonnet");
  EXPECT_EQ(normalizeModelName("claude-3-7-sonnet-latest"), "claude37sonnet");
  EXPECT_EQ(normalizeModelName("gemini-1.5-pro-002"), "gemini15pro");
  EXPECT_EQ(normalizeModelName("deepseek-v3"), "deepseekv3");
  EXPECT_EQ(normalizeModelName("bedrock/us-east-1/meta.llama3-70b-instruct-v1:0"),
            "llama370binstruct");
}

TEST(ProviderMatches, FiltersAndAliases) {
  EXPECT_TRUE(providerMatches("openai", ""));
  EXPECT_TRUE(providerMatches("openai", "openai"));
  EXPECT_TRUE(providerMatches("text-completion-openai", "openai"));
  EXPECT_FALSE(providerMatches("azure", "openai"));
  EXPECT_TRUE(providerMatches("azure", "azure-openai"));
  EXPECT_TRUE(providerMatches("bedrock_converse", "bedrock"));
  EXPECT_TRUE(providerMatches("vertex_ai-language-models", "vertex_ai"));
  EXPECT_TRUE(providerMatches("vertex_ai-anthropic_models", "vertex"));
  EXPECT_TRUE(providerMatches("gemini", "Gemini"));
  EXPECT_FALSE(providerMatches("vertex_ai-language-models", "gemini"));
  EXPECT_TRUE(providerMatches("deepseek", "deepseek"));
  EXPECT_FALSE(providerMatches("openai", "custom"));
  EXPECT_TRUE(isMappedProviderType("azure-openai"));
  EXPECT_FALSE(isMappedProviderType("custom"));
}

TEST(PresetIndexSmall, RanksBandsInOrder) {
  std::vector<Preset> ps;
  for (const char* n : {"zeta-mini-chat", "mini", "mini-2", "openai/mini", "supermini", "m-i-n-i-x",
                        "MINI"}) {
    Preset p;
    p.name = n;
    p.provider = "openai";
    ps.push_back(p);
  }
  PresetIndex index(std::move(ps));
  const auto hits = index.search("mini", {}, 10);
  ASSERT_EQ(hits.size(), 7u);
  EXPECT_EQ(hits[0].preset->name, "mini");         // exact
  EXPECT_EQ(hits[1].preset->name, "MINI");         // exact ignoring case
  EXPECT_EQ(hits[2].preset->name, "mini-2");       // prefix
  EXPECT_EQ(hits[3].preset->name, "openai/mini");  // normalised equal
  EXPECT_EQ(hits[4].preset->name, "m-i-n-i-x");    // normalised prefix
  EXPECT_EQ(hits[5].preset->name, "zeta-mini-chat");  // substring at a word boundary
  EXPECT_EQ(hits[6].preset->name, "supermini");       // substring inside a word
  EXPECT_NE(index.find("MINI"), nullptr);
  EXPECT_EQ(index.find("nope"), nullptr);
}

}  // namespace
}  // namespace gw::presets
