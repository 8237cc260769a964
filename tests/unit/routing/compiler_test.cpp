#include <gtest/gtest.h>

#include <filesystem>

#include "routing/compiler.hpp"
#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using test::compileOk;
using test::directory;
using test::errorStrings;
using test::loadJson;
using test::parse;

std::vector<std::string> errorsFor(std::string_view config,
                                   std::optional<std::int64_t> self_id = std::nullopt) {
  auto d = directory();
  return errorStrings(compileConfig(parse(config), d, self_id).errors);
}

TEST(PortkeyExamples, EveryDocumentedConfigLoadsUnchanged) {
  auto d = directory();
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(test::routingData("portkey"))) {
    SCOPED_TRACE(entry.path().filename().string());
    auto result = compileConfig(loadJson(entry.path().string()), d);
    EXPECT_TRUE(result.ok()) << (result.errors.empty() ? "" : result.errors[0].toString());
    ++count;
  }
  EXPECT_GE(count, 15);
}

TEST(PortkeyExamples, FallbackCompilesToOrderedLeaves) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("portkey/fallback.json")), d);
  ASSERT_EQ(root->mode, StrategyMode::Fallback);
  ASSERT_EQ(root->children.size(), 2u);
  EXPECT_EQ(root->children[0].provider->name, "openai-virtual-key");
  EXPECT_EQ(root->children[0].path, "0");
  EXPECT_EQ(root->children[1].path, "1");
  EXPECT_EQ(root->children[1].overrideModel(), "claude-1");
  EXPECT_FALSE(root->on_status_codes.has_value());
}

TEST(PortkeyExamples, LoadBalanceWeightsAndNestedPaths) {
  auto d = directory();
  auto lb = compileOk(loadJson(test::routingData("portkey/loadbalance.json")), d);
  EXPECT_EQ(lb->mode, StrategyMode::LoadBalance);
  EXPECT_DOUBLE_EQ(lb->children[0].weight, 0.75);
  EXPECT_DOUBLE_EQ(lb->children[1].weight, 0.25);

  auto nested =
      compileOk(loadJson(test::routingData("portkey/nested_loadbalance_fallback.json")), d);
  const auto& inner = nested->children[1];
  EXPECT_FALSE(inner.isLeaf());
  EXPECT_EQ(inner.mode, StrategyMode::Fallback);
  EXPECT_EQ(inner.path, "1");
  EXPECT_EQ(inner.children[1].path, "1.1");
  EXPECT_EQ(inner.children[1].provider->name, "cohere-virtual-key");
  EXPECT_EQ(nested->leafCount(), 3u);
}

TEST(PortkeyExamples, SingleTargetConfigBecomesSingleGroupWithRetry) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("portkey/retry_on_status_codes.json")), d);
  EXPECT_EQ(root->mode, StrategyMode::Single);
  ASSERT_EQ(root->children.size(), 1u);
  const auto& leaf = root->children[0];
  EXPECT_EQ(leaf.path, "0");
  EXPECT_EQ(leaf.retry.attempts, 3);
  EXPECT_EQ(leaf.retry.on_status_codes, (std::vector<int>{408, 429, 401}));

  auto five = compileOk(loadJson(test::routingData("portkey/retry.json")), d);
  EXPECT_EQ(five->children[0].retry.attempts, 5);
  EXPECT_EQ(five->children[0].retry.on_status_codes, (std::vector<int>{429, 500, 502, 503, 504}));
}

TEST(PortkeyExamples, ModelCatalogFormNamesProviderAndModel) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("portkey/model_catalog_retry.json")), d);
  const auto& leaf = root->children[0];
  EXPECT_EQ(leaf.provider->name, "openai-prod");
  EXPECT_EQ(leaf.overrideModel(), "gpt-4o");
}

TEST(PortkeyExamples, RequestTimeoutIsInheritedInMilliseconds) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("portkey/request_timeout_fallback.json")), d);
  for (const auto& c : root->children) {
    ASSERT_TRUE(c.request_timeout.has_value());
    EXPECT_EQ(*c.request_timeout, std::chrono::milliseconds(10000));
  }
}

TEST(Compiler, InlineProviderFormBuildsAProviderFromTheType) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("portkey/inline_fallback.json")), d);
  const auto& p = *root->children[1].provider;
  EXPECT_EQ(p.id, 0);
  EXPECT_EQ(p.type, "anthropic");
  EXPECT_EQ(p.family, "anthropic");
  EXPECT_EQ(p.base_url, "https://api.anthropic.com/v1");
  EXPECT_EQ(p.api_key, "sk-ant-***");

  auto custom = compileOk(
      parse(R"({"provider":"groq","api_key":"k","custom_host":"http://localhost:9/v1/"})"), d);
  EXPECT_EQ(custom->children[0].provider->base_url, "http://localhost:9/v1");
  EXPECT_EQ(custom->children[0].provider->family, "openai");
}

TEST(Compiler, StoredProviderByIdNameAndAtName) {
  auto d = directory();
  d.addProvider(test::provider(100, "openai", "openai"));
  auto root = compileOk(parse(R"({"strategy":{"mode":"fallback"},"targets":[
      {"provider_id": 2}, {"provider": "openai"}, {"provider": "@openai-prod"}]})"),
                        d);
  EXPECT_EQ(root->children[0].provider->name, "anthropic-virtual-key");
  // A stored provider named like a type wins over the inline form.
  EXPECT_EQ(root->children[1].provider->id, 100);
  EXPECT_EQ(root->children[2].provider->name, "openai-prod");
}

TEST(Compiler, SnakeAndCamelCaseAndIgnoredPortkeyFields) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("camel_case_with_hooks.json")), d);
  EXPECT_EQ(root->on_status_codes, (std::vector<int>{429, 503}));
  const auto& leaf = root->children[0];
  EXPECT_EQ(leaf.overrideModel(), "gpt-4o");
  EXPECT_EQ(leaf.request_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(leaf.retry.attempts, 2);
  EXPECT_EQ(leaf.retry.on_status_codes, std::vector<int>{500});
  // custom_host on a stored provider overrides its base URL for this target only.
  EXPECT_EQ(leaf.provider->base_url, "https://proxy.example.com/v1");
  EXPECT_EQ(d.findByName("openai-virtual-key")->base_url,
            "https://openai-virtual-key.example.com/v1");
}

TEST(Compiler, NestedTargetsInheritAndOverrideSettings) {
  auto d = directory();
  auto root = compileOk(parse(R"({
    "strategy": {"mode": "fallback"},
    "override_params": {"model": "gpt-4o", "temperature": 0.2},
    "retry": {"attempts": 2},
    "request_timeout": 3000,
    "targets": [
      {"virtual_key": "xx"},
      {"strategy": {"mode": "loadbalance"},
       "override_params": {"temperature": 0.9, "max_tokens": 100},
       "targets": [
         {"virtual_key": "yy", "override_params": {"model": "gpt-4o-mini"},
          "retry": {"attempts": 1, "on_status_codes": [429]}},
         {"virtual_key": "openai-zz", "request_timeout": 500}
       ]}
    ]})"),
                        d);
  const auto& first = root->children[0];
  EXPECT_EQ(json::value(first.override_params), parse(R"({"model":"gpt-4o","temperature":0.2})"));
  EXPECT_EQ(first.retry.attempts, 2);
  EXPECT_EQ(first.request_timeout, std::chrono::milliseconds(3000));

  const auto& yy = root->children[1].children[0];
  EXPECT_EQ(json::value(yy.override_params),
            parse(R"({"model":"gpt-4o-mini","temperature":0.9,"max_tokens":100})"));
  EXPECT_EQ(yy.retry.attempts, 1);
  EXPECT_EQ(yy.retry.on_status_codes, std::vector<int>{429});
  EXPECT_EQ(yy.request_timeout, std::chrono::milliseconds(3000));

  const auto& zz = root->children[1].children[1];
  EXPECT_EQ(json::value(zz.override_params),
            parse(R"({"model":"gpt-4o","temperature":0.9,"max_tokens":100})"));
  EXPECT_EQ(zz.retry.attempts, 2);
  EXPECT_EQ(zz.request_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(zz.path, "1.1");
}

TEST(Compiler, RetryAttemptsAreClampedToFive) {
  auto d = directory();
  auto root = compileOk(parse(R"({"virtual_key":"xx","retry":{"attempts":9}})"), d);
  EXPECT_EQ(root->children[0].retry.attempts, 5);
}

TEST(Compiler, ConfigReferencesEmbedAnotherStoredConfig) {
  auto d = directory();
  d.addConfig(7, parse(R"({"strategy":{"mode":"fallback"},"targets":[{"virtual_key":"xx"},
                                                                     {"virtual_key":"yy"}]})"));
  auto root = compileOk(parse(R"({"strategy":{"mode":"loadbalance"},"targets":[
      {"virtual_key":"openai-zz","weight":3},
      {"config_id":7,"weight":1,"override_params":{"model":"m"}}]})"),
                        d);
  const auto& ref = root->children[1];
  EXPECT_EQ(ref.mode, StrategyMode::Fallback);
  EXPECT_DOUBLE_EQ(ref.weight, 1.0);
  EXPECT_EQ(ref.children[1].path, "1.1");
  EXPECT_EQ(ref.children[1].overrideModel(), "m");
}

TEST(Compiler, CyclesBetweenStoredConfigsAreRejected) {
  auto d = directory();
  d.addConfig(1, parse(R"({"strategy":{"mode":"fallback"},"targets":[{"config_id":2}]})"));
  d.addConfig(2, parse(R"({"strategy":{"mode":"fallback"},"targets":[{"virtual_key":"xx"},
                                                                     {"config_id":1}]})"));
  auto result = compileConfig(*d.findConfig(1), d, 1);
  EXPECT_EQ(errorStrings(result.errors),
            std::vector<std::string>{
                "targets[0].config_id: in config 2: targets[1].config_id: cycle: config 1 -> 2 -> 1"});
  d.addConfig(3, parse(R"({"strategy":{"mode":"fallback"},"targets":[{"virtual_key":"ghost"},
                                                                     {"weight":-1}]})"));
  auto bad = compileConfig(parse(R"({"strategy":{"mode":"fallback"},"targets":[
                               {"virtual_key":"xx"},{"config_id":3}]})"),
                           d);
  EXPECT_EQ(errorStrings(bad.errors),
            (std::vector<std::string>{
                "targets[1].config_id: in config 3: targets[1].weight: must be a number >= 0",
                "targets[1].config_id: in config 3: targets[1]: a target needs provider_id, "
                "provider, virtual_key or config_id (or a strategy with targets)"}));
  EXPECT_EQ(errorsFor(R"({"config_id": 5})", 5),
            std::vector<std::string>{"config_id: cycle: config 5 -> 5"});
  EXPECT_EQ(errorsFor(R"({"config_id": 99})"),
            std::vector<std::string>{"config_id: unknown routing config 99"});
}

TEST(Compiler, CompileSingleMakesAPlainModelRoute) {
  auto p = std::make_shared<const providers::ProviderConfig>(test::provider(4, "p", "openai"));
  auto root = compileSingle(p, "gpt-4o");
  EXPECT_EQ(root->mode, StrategyMode::Single);
  EXPECT_EQ(root->children[0].path, "0");
  EXPECT_EQ(root->children[0].overrideModel(), "gpt-4o");
  EXPECT_EQ(root->children[0].provider, p);
}

// --- invalid configs, answered with the path of every bad field ---

TEST(Validation, UnknownProviders) {
  EXPECT_EQ(errorsFor(R"({"strategy":{"mode":"fallback"},"targets":[
                {"virtual_key":"xx"},{"provider":"nope"},{"provider_id":404},
                {"virtual_key":"ghost"},{"override_params":{"model":"@ghost/m"}}]})"),
            (std::vector<std::string>{
                "targets[1].provider: unknown provider \"nope\"",
                "targets[2].provider_id: unknown provider id 404",
                "targets[3].virtual_key: unknown provider \"ghost\"",
                "targets[4].override_params.model: unknown provider \"ghost\""}));
}

TEST(Validation, BadModeWeightAndTypesAllReported) {
  EXPECT_EQ(errorsFor(R"({"strategy":{"mode":"foo"},"targets":[
                {"virtual_key":"xx","weight":-1},
                {"virtual_key":"yy","weight":"heavy","request_timeout":0},
                {"virtual_key":"xx","retry":{"on_status_codes":[500]}},
                {"virtual_key":"xx","retry":{"attempts":-2}},
                {"virtual_key":5, "override_params": []}]})"),
            (std::vector<std::string>{
                "strategy.mode: unknown mode \"foo\" (use single, loadbalance, fallback or "
                "conditional)",
                "targets[0].weight: must be a number >= 0",
                "targets[1].weight: must be a number >= 0",
                "targets[1].request_timeout: must be a positive integer number of milliseconds",
                "targets[2].retry.attempts: is required",
                "targets[3].retry.attempts: must be an integer >= 0",
                "targets[4].override_params: must be an object",
                "targets[4].virtual_key: must be a string",
                "targets[4]: a target needs provider_id, provider, virtual_key or config_id (or a "
                "strategy with targets)"}));
}

TEST(Validation, StructureErrors) {
  EXPECT_EQ(errorsFor("[]"), std::vector<std::string>{"must be an object"});
  EXPECT_EQ(errorsFor(R"({"strategy":{"mode":"fallback"}})"),
            std::vector<std::string>{"targets: is required with a strategy"});
  EXPECT_EQ(errorsFor(R"({"targets":[{"virtual_key":"xx"}]})"),
            std::vector<std::string>{"strategy: is required with targets"});
  EXPECT_EQ(errorsFor(R"({"strategy":{},"targets":[]})"),
            (std::vector<std::string>{"strategy.mode: is required",
                                      "targets: must not be empty"}));
  EXPECT_EQ(errorsFor(R"({"strategy":{"mode":"loadbalance"},"targets":[
                {"virtual_key":"xx","weight":0},{"virtual_key":"yy","weight":0}]})"),
            std::vector<std::string>{"targets: at least one target needs a weight > 0"});
  EXPECT_EQ(errorsFor(R"({"strategy":{"mode":"fallback","on_status_codes":[500,"x",99]},
                          "targets":[{"virtual_key":"xx","custom_host":"ftp://h"}]})"),
            (std::vector<std::string>{
                "strategy.on_status_codes[1]: must be an HTTP status code (100-599)",
                "strategy.on_status_codes[2]: must be an HTTP status code (100-599)",
                "targets[0].custom_host: must be an http:// or https:// URL"}));
  EXPECT_EQ(errorsFor(R"({"strategy":{"mode":"fallback"},"targets":[{"strategy":
                {"mode":"single"},"targets":[{"virtual_key":"xx","weight":-0.5}]}]})"),
            std::vector<std::string>{"targets[0].targets[0].weight: must be a number >= 0"});
}

TEST(Validation, MalformedConditions) {
  EXPECT_EQ(errorsFor(R"({"strategy":{"mode":"conditional"},"targets":[{"virtual_key":"xx"}]})"),
            std::vector<std::string>{
                "strategy.conditions: is required for mode \"conditional\""});
  auto errors = errorsFor(R"({"strategy":{"mode":"conditional","default":"missing","conditions":[
                {"query":{"metadata.plan":{"$foo":"x"}},"then":"a"},
                {"query":{"metadata.plan":"x"},"then":"zzz"},
                {"then":"a"},
                {"query":{"metadata.plan":{"$regex":"["}},"then":"a"}]},
              "targets":[{"name":"a","virtual_key":"xx"},{"name":"a","virtual_key":"yy"}]})");
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[2].rfind(
                "strategy.conditions[3].query.metadata.plan.$regex: invalid regular expression", 0),
            0u);
  errors.erase(errors.begin() + 2);
  EXPECT_EQ(errors,
            (std::vector<std::string>{
                "strategy.conditions[0].query.metadata.plan.$foo: unknown operator",
                "strategy.conditions[2].query: is required",
                "targets[1].name: duplicate target name \"a\"",
                "strategy.conditions[1].then: unknown target name \"zzz\"",
                "strategy.default: unknown target name \"missing\""}));
}

}  // namespace
}  // namespace gw::routing
