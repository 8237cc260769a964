#include "presets/provider_transfer.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace gw::presets {
namespace {

const auto kKnown = [](std::string_view t) {
  return t == "openai" || t == "anthropic" || t == "bedrock" || t == "azure-openai" ||
         t == "gemini" || t == "deepseek" || t == "custom";
};

std::vector<TransferProvider> sampleProviders() {
  TransferProvider bedrock;
  bedrock.name = "aws-main";
  bedrock.type = "bedrock";
  bedrock.base_url = "https://bedrock-runtime.us-east-1.amazonaws.com";
  bedrock.config = json::object{{"region", "us-east-1"},
                                {"access_key_id", "AKIAPLANTEDSECRET1"},
                                {"secret_access_key", "PLANTED-SECRET-2"},
                                {"session_token", "PLANTED-SECRET-3"},
                                {"headers", json::object{{"Authorization", "Bearer PLANTED-4"},
                                                         {"X-Team", "ml"}}},
                                {"extra", json::array{json::object{{"api_key", "PLANTED-5"}}}}};
  TransferModel m;
  m.name = "claude-sonnet";
  m.model_id = "anthropic.claude-3-5-sonnet-20241022-v2:0";
  m.input_price = 3.0;
  m.capabilities = json::object{{"tools", true}};
  bedrock.models.push_back(m);

  TransferProvider off;
  off.name = "old-openai";
  off.type = "openai";
  off.base_url = "https://user:PLANTED-6@api.example.com/v1?api_key=PLANTED-7&org=x";
  off.enabled = false;
  return {bedrock, off};
}

TEST(BuildExport, HoldsNoSecret) {
  const auto doc = buildExport(sampleProviders(), std::chrono::system_clock::time_point{});
  const std::string text = json::serialize(doc);
  EXPECT_EQ(text.find("PLANTED"), std::string::npos) << text;
  EXPECT_EQ(text.find("api_key"), std::string::npos) << text;
  const auto& bedrock = doc.at("providers").as_array()[0].as_object();
  const json::value expected_config = {{"region", "us-east-1"},
                                       {"headers", {{"X-Team", "ml"}}},
                                       {"extra", json::array{json::object{}}}};
  EXPECT_EQ(bedrock.at("config"), expected_config);
  EXPECT_EQ(doc.at("providers").as_array()[1].at("base_url"),
            json::value("https://api.example.com/v1?org=x"));
}

TEST(BuildExport, HasTheDocumentedShape) {
  const auto doc = buildExport(sampleProviders(), std::chrono::system_clock::time_point{});
  EXPECT_EQ(doc.at("version"), json::value(1));
  EXPECT_EQ(doc.at("exported_at"), json::value("1970-01-01T00:00:00Z"));
  const auto& model = doc.at("providers").as_array()[0].at("models").as_array()[0];
  const json::value expected = json::parse(R"({
    "name": "claude-sonnet", "model_id": "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "enabled": true, "mode": "chat", "context_window": null, "max_output_tokens": null,
    "input_price": 3.0, "output_price": null, "cached_input_price": null,
    "capabilities": {"tools": true}
  })");
  EXPECT_EQ(model, expected);
}

TEST(BuildExport, EnabledOnlyLeavesOutDisabledProviders) {
  const auto doc =
      buildExport(sampleProviders(), std::chrono::system_clock::time_point{}, true);
  ASSERT_EQ(doc.at("providers").as_array().size(), 1u);
  EXPECT_EQ(doc.at("providers").as_array()[0].at("name"), json::value("aws-main"));
}

TEST(SecretFields, AreRecognisedByName) {
  for (const char* n : {"api_key", "apiKey", "access_key_id", "secret_access_key",
                        "session_token", "password", "service_account_credentials",
                        "Authorization"}) {
    EXPECT_TRUE(isSecretField(n)) << n;
  }
  for (const char* n : {"region", "api_version", "deployment", "resource_name", "project"}) {
    EXPECT_FALSE(isSecretField(n)) << n;
  }
}

TEST(ValidateImport, ExportRoundTripsIntoADisabledPlan) {
  const auto doc = buildExport(sampleProviders(), std::chrono::system_clock::time_point{});
  auto plan = validateImport(doc, kKnown);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->providers.size(), 2u);
  EXPECT_FALSE(plan->providers[0].enabled);
  EXPECT_FALSE(plan->providers[1].enabled);
  EXPECT_EQ(plan->providers[0].config.at("region"), json::value("us-east-1"));
  ASSERT_EQ(plan->providers[0].models.size(), 1u);
  EXPECT_EQ(plan->providers[0].models[0].input_price, 3.0);
  EXPECT_TRUE(plan->warnings.empty());
}

TEST(ValidateImport, WrongVersionIsRejected) {
  auto r = validateImport(json::parse(R"({"version": 2, "providers": []})"), kKnown);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidRequest);
  EXPECT_EQ(r.error().param, "version");
  EXPECT_NE(r.error().message.find("version: unsupported version 2"), std::string::npos);
  EXPECT_FALSE(validateImport(json::parse(R"({"providers": []})"), kKnown));
  EXPECT_FALSE(validateImport(json::parse(R"({"version": "1", "providers": []})"), kKnown));
}

TEST(ValidateImport, NotADocumentIsRejected) {
  EXPECT_FALSE(validateImport(json::parse("[]"), kKnown));
  EXPECT_FALSE(validateImport(json::parse(R"({"version": 1})"), kKnown));
  EXPECT_FALSE(validateImport(json::parse(R"({"version": 1, "providers": {}})"), kKnown));
}

TEST(ValidateImport, EveryBadEntryIsNamedWithItsPath) {
  const auto doc = json::parse(R"({"version": 1, "providers": [
    {"name": "ok", "type": "openai"},
    {"name": "", "type": "openai"},
    "just a string",
    {"name": "x", "type": "foo"},
    {"name": "ok", "type": "anthropic", "base_url": 42, "config": [],
     "models": [{"name": "m"}, {"name": "m", "mode": "video"},
                {"model_id": "y", "context_window": -1, "input_price": "cheap",
                 "capabilities": {"tools": "yes"}}]}
  ]})");
  const auto check = checkImport(doc, kKnown);
  EXPECT_FALSE(check.plan);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& i : check.issues) {
    got.emplace_back(i.path, i.message);
  }
  const std::vector<std::pair<std::string, std::string>> expected{
      {"providers[1].name", "must be a non-empty string"},
      {"providers[2]", "must be an object"},
      {"providers[3].type", "unknown provider type \"foo\""},
      {"providers[4].name", "duplicate name \"ok\" in the file"},
      {"providers[4].base_url", "must be a string"},
      {"providers[4].config", "must be an object"},
      {"providers[4].models[1].name", "duplicate model name \"m\" in this provider"},
      {"providers[4].models[1].mode",
       "unknown mode \"video\" (expected chat, embedding, image, audio or completion)"},
      {"providers[4].models[2].name", "must be a non-empty string"},
      {"providers[4].models[2].context_window", "must be a non-negative integer"},
      {"providers[4].models[2].input_price", "must be a non-negative number"},
      {"providers[4].models[2].capabilities.tools", "true or false"},
  };
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, expected[i].first);
    EXPECT_NE(got[i].second.find(expected[i].second), std::string::npos) << got[i].second;
  }
  auto r = validateImport(doc, kKnown);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("providers[3].type: unknown provider type \"foo\""),
            std::string::npos);
  EXPECT_EQ(issuesToJson(check.issues).size(), expected.size());
}

TEST(ValidateImport, KeysAreDroppedWithAWarning) {
  const auto doc = json::parse(R"({"version": 1, "providers": [
    {"name": "p", "type": "openai", "api_key": "sk-live-PLANTED", "enabled": true,
     "config": {"organization": "org-1", "token": "PLANTED"},
     "models": [{"name": "gpt-4o", "context_window": 128000.0, "unknown_field": 1}]}]})");
  auto plan = validateImport(doc, kKnown);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->providers.size(), 1u);
  const auto& p = plan->providers[0];
  EXPECT_FALSE(p.enabled);
  EXPECT_EQ(json::value(p.config), json::value({{"organization", "org-1"}}));
  EXPECT_EQ(p.models[0].model_id, "gpt-4o");
  EXPECT_EQ(p.models[0].context_window, 128000);
  ASSERT_EQ(plan->warnings.size(), 2u);
  EXPECT_EQ(plan->warnings[0].path, "providers[0].config");
  EXPECT_EQ(plan->warnings[1].path, "providers[0].api_key");
}

TEST(ValidateImport, TheDocumentedExampleIsValid) {
  std::ifstream in(std::string(GW_TEST_DATA_DIR) + "/../../docs/provider-import-example.json");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = parseJson(text.str());
  ASSERT_TRUE(doc) << doc.error().message;
  auto plan = validateImport(*doc, kKnown);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->providers.size(), 2u);
  EXPECT_TRUE(plan->warnings.empty());
  for (const auto& p : plan->providers) {
    EXPECT_FALSE(p.models.empty()) << p.name;
  }
}

TEST(ImportReport, Json) {
  ImportReport r{1, 1, 0, {{"a", "imported", "created", 2}, {"b", "skipped", "exists", 0}}};
  const json::value expected = json::parse(R"({"imported":1,"skipped":1,"failed":0,
    "details":[{"name":"a","status":"imported","message":"created","models":2},
               {"name":"b","status":"skipped","message":"exists","models":0}],
    "warnings":[]})");
  EXPECT_EQ(json::value(reportToJson(r)), expected);
}

}  // namespace
}  // namespace gw::presets
