#include "providers/azure/azure_adapter.hpp"

#include <gtest/gtest.h>

#include "unit/providers/testing_fixtures.hpp"

namespace gw::providers::azure {
namespace {

using namespace gw::providers::testing;

TEST(AzureBuild, DeploymentUrlApiKeyAndDefaultVersion) {
  AzureAdapter a;
  auto p = testProvider("azure", "https://res.openai.azure.com");
  auto body = parseObject(R"({"model":"gpt-4o","messages":[{"role":"user","content":"x"}]})");
  auto req = a.buildRequest(Operation::ChatCompletions, body, p, {});
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->url,
            "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
            "?api-version=2024-10-21");
  EXPECT_EQ(*findHeader(req->headers, "api-key"), p.api_key);
  EXPECT_EQ(findHeader(req->headers, "authorization"), nullptr);
  EXPECT_EQ(a.family(), "azure");
}

TEST(AzureBuild, DeploymentMapAndConfiguredVersion) {
  AzureAdapter a;
  auto p = testProvider("azure", "https://res.openai.azure.com/");
  p.config["api_version"] = "2025-01-01-preview";
  p.config["deployments"] = json::object{{"text-embedding-3-small", "emb prod"}};
  auto req =
      a.buildRequest(Operation::Embeddings,
                     parseObject(R"({"model":"text-embedding-3-small","input":"x"})"), p, {});
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url,
            "https://res.openai.azure.com/openai/deployments/emb%20prod/embeddings"
            "?api-version=2025-01-01-preview");
  auto models = a.buildRequest(Operation::ListModels, {}, p, {});
  ASSERT_TRUE(models);
  EXPECT_EQ(models->url,
            "https://res.openai.azure.com/openai/models?api-version=2025-01-01-preview");
}

TEST(AzureBuild, StreamingAsksForUsageAndNeedsModel) {
  AzureAdapter a;
  auto p = testProvider("azure", "https://res.openai.azure.com");
  auto body = parseObject(R"({"model":"gpt-4o","stream":true,"messages":[]})");
  auto req = a.buildRequest(Operation::ChatCompletions, body, p, {.stream = true});
  ASSERT_TRUE(req);
  EXPECT_EQ(parseJson(req->body).value().at("stream_options").at("include_usage"), true);
  auto bad = a.buildRequest(Operation::ChatCompletions, parseObject(R"({"messages":[]})"), p, {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().param, "model");
}

TEST(AzureError, OpenAiShape) {
  AzureAdapter a;
  auto e = a.mapError({429,
                       {{"retry-after", "3"}},
                       R"({"error":{"code":"429","message":"Rate limit is exceeded."}})"});
  EXPECT_EQ(e.message, "Rate limit is exceeded.");
  EXPECT_EQ(e.retry_after_seconds, 3);
}

}  // namespace
}  // namespace gw::providers::azure
