// Provider conformance: every adapter in the registry must build a chat request with a tool and
// turn its family's canned answer into a chat.completion with tool_calls.
#include <gtest/gtest.h>

#include <map>

#include "providers/registry.hpp"
#include "unit/providers/testing_fixtures.hpp"

namespace gw::providers {
namespace {

using namespace gw::providers::testing;

std::vector<std::string> families() {
  std::vector<std::string> out;
  for (auto f : registeredFamilies()) {
    out.emplace_back(f);
  }
  return out;
}

/// A stored provider of each family, as the admin API would create it.
ProviderSettings settingsFor(const std::string& family) {
  static const std::map<std::string, ProviderSettings> kSettings = {
      {"openai", {1, "oa", "openai", "", "sk-oa-0123456789", {}}},
      {"azure", {2, "az", "azure-openai", "", "az-key-0123456789", {{"resource", "res"}}}},
      {"anthropic", {3, "an", "anthropic", "", "sk-ant-0123456789", {}}},
      {"gemini", {4, "ge", "gemini", "", "AIza0123456789", {}}},
      {"bedrock",
       {5,
        "br",
        "bedrock",
        "",
        "",
        {{"region", "us-east-1"},
         {"access_key_id", "AKIAIOSFODNN7EXAMPLE"},
         {"secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}}},
  };
  return kSettings.at(family);
}

const json::object kToolRequest = parseObject(R"({
  "model": "test-model",
  "messages": [{"role": "system", "content": "Be brief."},
               {"role": "user", "content": "Weather in Paris?"}],
  "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                            "required": ["city"]}}}],
  "tool_choice": "auto",
  "max_tokens": 100
})");

class AdapterConformance : public ::testing::TestWithParam<std::string> {
protected:
  const Adapter& adapter() const { return *adapterFor(GetParam()); }
  ProviderConfig provider() const {
    auto p = buildProviderConfig(settingsFor(GetParam()));
    EXPECT_TRUE(p) << (p ? "" : p.error().message);
    return p ? *p : ProviderConfig{};
  }
  static constexpr RequestOptions kOptions{.public_model = {}, .unix_time = 1700000000};
};

TEST_P(AdapterConformance, FamilyMatchesRegistryKey) {
  EXPECT_EQ(adapter().family(), GetParam());
}

TEST_P(AdapterConformance, BuildsAChatRequestWithATool) {
  auto p = provider();
  EXPECT_EQ(p.family, GetParam());
  auto req = adapter().buildRequest(Operation::ChatCompletions, kToolRequest, p, kOptions);
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url.rfind(p.base_url, 0), 0u) << req->url;
  EXPECT_FALSE(req->stream);
  auto body = parseJson(req->body);
  ASSERT_TRUE(body) << req->body;
  EXPECT_TRUE(body->is_object());
  EXPECT_NE(req->body.find("get_weather"), std::string::npos);
}

TEST_P(AdapterConformance, StreamingRequestIsMarkedAsStream) {
  auto body = kToolRequest;
  body["stream"] = true;
  RequestOptions opts = kOptions;
  opts.stream = true;
  auto req = adapter().buildRequest(Operation::ChatCompletions, body, provider(), opts);
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_TRUE(req->stream);
}

TEST_P(AdapterConformance, ParsesCannedAnswerIntoToolCalls) {
  UpstreamResponse resp{200,
                        {{"content-type", "application/json"}},
                        readFixture("conformance/" + GetParam() + ".json")};
  auto r = adapter().parseResponse(Operation::ChatCompletions, resp, kOptions);
  ASSERT_TRUE(r) << r.error().message;
  const auto& choice = r->body.at("choices").at(0).as_object();
  EXPECT_EQ(choice.at("finish_reason"), "tool_calls");
  const auto& call = choice.at("message").at("tool_calls").at(0).as_object();
  EXPECT_EQ(call.at("type"), "function");
  EXPECT_FALSE(call.at("id").as_string().empty());
  EXPECT_EQ(call.at("function").at("name"), "get_weather");
  auto args = parseJson(call.at("function").at("arguments").as_string());
  ASSERT_TRUE(args);
  EXPECT_EQ(*args, parseJson(R"({"city":"Paris"})").value());
  EXPECT_TRUE(r->usage.known);
  EXPECT_GT(r->usage.prompt_tokens, 0);
}

TEST_P(AdapterConformance, MapsErrorsWithoutCredentials) {
  auto p = provider();
  UpstreamResponse resp{
      429, {{"retry-after", "5"}}, R"({"error":{"message":"quota for key )" + p.api_key + R"("}})"};
  Error e = redactCredentials(adapter().mapError(resp), p);
  EXPECT_EQ(e.code, ErrorCode::UpstreamError);
  EXPECT_EQ(e.upstream_status, 429);
  if (!p.api_key.empty()) {
    EXPECT_EQ(e.message.find(p.api_key), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, AdapterConformance, ::testing::ValuesIn(families()),
                         [](const auto& info) { return info.param; });

TEST(Registry, UnknownFamilyHasNoAdapter) {
  EXPECT_EQ(adapterFor("nope"), nullptr);
}

TEST(Registry, OwnFamiliesAreRegistered) {
  for (auto f : {"openai", "azure", "anthropic"}) {
    EXPECT_NE(adapterFor(f), nullptr) << f;
  }
}

}  // namespace
}  // namespace gw::providers
