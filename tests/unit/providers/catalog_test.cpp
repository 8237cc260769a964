#include "providers/catalog.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "providers/registry.hpp"
#include "unit/providers/testing_fixtures.hpp"

namespace gw::providers {
namespace {

using namespace gw::providers::testing;

std::string readSourceCatalog() {
  std::ifstream in(std::string(GW_TEST_DATA_DIR) + "/../../src/providers/catalog.json");
  EXPECT_TRUE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Catalog, CompiledInCopyMatchesCatalogJson) {
  auto disk = parseJson(readSourceCatalog());
  ASSERT_TRUE(disk) << "src/providers/catalog.json is malformed";
  auto compiled = parseJson(catalogText());
  ASSERT_TRUE(compiled);
  EXPECT_EQ(*disk, *compiled)
      << "catalog_json.inc drifted from catalog.json: regenerate it (see its header comment)";
}

TEST(Catalog, HasTheRequiredTemplates) {
  const auto& c = catalog();
  EXPECT_GE(c.templates().size(), 25u);
  for (auto id :
       {"openai",     "azure-openai", "anthropic",   "gemini",    "bedrock",    "deepseek",
        "mistral",    "groq",         "together",    "fireworks", "openrouter", "perplexity",
        "xai",        "cohere",       "moonshot",    "zhipu",     "dashscope",  "qianfan",
        "volcengine", "hunyuan",      "siliconflow", "minimax",   "ollama",     "vllm",
        "lmstudio",   "custom"}) {
    EXPECT_NE(c.find(id), nullptr) << id;
  }
  EXPECT_EQ(c.find("nope"), nullptr);
}

TEST(Catalog, TemplatesAreWellFormed) {
  std::set<std::string> families = {"openai", "azure", "anthropic", "gemini", "bedrock"};
  for (const auto& t : catalog().templates()) {
    EXPECT_TRUE(families.contains(t.family)) << t.id;
    EXPECT_EQ(t.docs_url.rfind("http", 0), 0u) << t.id;
    if (t.id != "custom") {
      EXPECT_EQ(t.base_url.rfind("http", 0), 0u) << t.id;
    }
    EXPECT_TRUE(t.base_url.empty() || t.base_url.back() != '/') << t.id;
  }
  const auto* ds = catalog().find("deepseek");
  ASSERT_NE(ds, nullptr);
  EXPECT_TRUE(ds->flags.reasoning_content);
  EXPECT_EQ(ds->family, "openai");
  EXPECT_EQ(catalog().find("ollama")->base_url, "http://localhost:11434/v1");
}

TEST(Catalog, BedrockAndAzureDescribeTheirSettings) {
  const auto* br = catalog().find("bedrock");
  ASSERT_NE(br, nullptr);
  std::map<std::string, std::string> types;
  for (const auto& f : br->config_fields) {
    types[f.key] = f.type;
  }
  EXPECT_EQ(types["region"], "string");
  EXPECT_EQ(types["access_key_id"], "string");
  EXPECT_EQ(types["secret_access_key"], "secret");
  EXPECT_EQ(types["session_token"], "secret");
  const auto* az = catalog().find("azure-openai");
  ASSERT_NE(az, nullptr);
  EXPECT_EQ(az->flags.auth_header, "api-key");
}

TEST(Catalog, JsonForTheAdminApi) {
  auto arr = catalogJson();
  EXPECT_EQ(arr.size(), catalog().templates().size());
  EXPECT_EQ(arr.at(0).at("id"), "openai");
  EXPECT_TRUE(arr.at(0).as_object().contains("config_fields"));
}

TEST(Catalog, ParseErrorsNameTheField) {
  auto r = parseCatalog(R"({"templates":[{"id":"x","name":"X","family":"cobol","base_url":"",
      "docs_url":"https://d","flags":{},"config_fields":[],"default_models":[]}]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().param, "templates[0].family");
  auto dup = parseCatalog(R"({"templates":[
    {"id":"x","name":"X","family":"openai","base_url":"","docs_url":"https://d","flags":{
      "stream_options":true,"reasoning_content":false,"list_models":true,"completions":true,
      "embeddings":true,"auth_header":"authorization"},"config_fields":[],"default_models":[]},
    {"id":"x","name":"X","family":"openai","base_url":"","docs_url":"https://d","flags":{
      "stream_options":true,"reasoning_content":false,"list_models":true,"completions":true,
      "embeddings":true,"auth_header":"authorization"},"config_fields":[],"default_models":[]}]})");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().param, "templates[1].id");
  EXPECT_FALSE(parseCatalog("{"));
}

TEST(ProviderConfigBuild, FromTemplateDefaults) {
  auto p = buildProviderConfig({7, "main", "deepseek", "", "sk-x", {}});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->family, "openai");
  EXPECT_EQ(p->base_url, "https://api.deepseek.com");
  EXPECT_TRUE(p->flags.reasoning_content);
  EXPECT_EQ(p->id, 7);
}

TEST(ProviderConfigBuild, AzurePlaceholderDefaultsAndHeaderFields) {
  auto az = buildProviderConfig({1, "az", "azure-openai", "", "k", {{"resource", "contoso"}}});
  ASSERT_TRUE(az) << az.error().message;
  EXPECT_EQ(az->base_url, "https://contoso.openai.azure.com");
  EXPECT_EQ(az->config.at("api_version"), "2024-10-21");
  auto missing = buildProviderConfig({1, "az", "azure-openai", "", "k", {}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().param, "config.resource");
  auto oa = buildProviderConfig({1,
                                 "oa",
                                 "openai",
                                 "https://proxy.local/v1/",
                                 "k",
                                 {{"organization", "org-9"},
                                  {"headers", json::object{{"X-Team", "a"}}},
                                  {"flags", json::object{{"stream_options", false}}}}});
  ASSERT_TRUE(oa);
  EXPECT_EQ(oa->base_url, "https://proxy.local/v1");
  EXPECT_EQ(*findHeader(oa->extra_headers, "openai-organization"), "org-9");
  EXPECT_EQ(*findHeader(oa->extra_headers, "x-team"), "a");
  EXPECT_FALSE(oa->flags.stream_options);
}

TEST(ProviderConfigBuild, ValidationErrorsNameTheField) {
  struct Case {
    ProviderSettings s;
    const char* param;
  };
  for (const auto& c : {
           Case{{1, "x", "cobol", "", "k", {}}, "type"},
           Case{{1, "x", "custom", "", "", {}}, "base_url"},
           Case{{1, "x", "openai", "", "", {}}, "api_key"},
           Case{{1, "x", "bedrock", "", "", {{"region", "eu-west-1"}}}, "config.access_key_id"},
           Case{{1, "x", "openai", "", "k", {{"headers", "nope"}}}, "config.headers"},
       }) {
    auto r = buildProviderConfig(c.s);
    ASSERT_FALSE(r) << c.param;
    EXPECT_EQ(r.error().param, c.param);
  }
  auto br = buildProviderConfig(
      {1, "x", "bedrock", "", "", {{"access_key_id", "AKIA1"}, {"secret_access_key", "s"}}});
  ASSERT_TRUE(br) << br.error().message;
  EXPECT_EQ(br->base_url, "https://bedrock-runtime.us-east-1.amazonaws.com");
  auto local = buildProviderConfig({1, "x", "ollama", "", "", {}});
  ASSERT_TRUE(local);
}

}  // namespace
}  // namespace gw::providers
