#include <gtest/gtest.h>

#include <map>

#include "routing/strategy.hpp"
#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using test::compileOk;
using test::directory;
using test::loadJson;
using test::parse;

TEST(LoadBalanceStrategy, WeightedDistributionWithSeededGenerator) {
  auto d = directory();
  auto root = compileOk(parse(R"({"strategy":{"mode":"loadbalance"},"targets":[
      {"virtual_key":"xx","weight":0.7},{"virtual_key":"yy","weight":0.2},
      {"virtual_key":"openai-zz","weight":0.1},{"virtual_key":"openai-xx","weight":0}]})"),
                        d);
  DefaultRandom random(42);
  RouteContext ctx;
  std::map<std::size_t, int> first;
  constexpr int kRuns = 100000;
  for (int i = 0; i < kRuns; ++i) {
    auto order = LoadBalanceStrategy{}.order(*root, ctx, random);
    ASSERT_EQ(order.size(), 3u);  // weight 0 is never a candidate
    ++first[order[0]];
  }
  // Within 1% of the weights, and exactly reproducible for the seed.
  EXPECT_EQ(first[0], 69913);
  EXPECT_EQ(first[1], 20138);
  EXPECT_EQ(first[2], 9949);
  EXPECT_NEAR(first[0], 70000, 1000);
  EXPECT_NEAR(first[1], 20000, 1000);
  EXPECT_NEAR(first[2], 10000, 1000);
  EXPECT_EQ(first.count(3), 0u);
  DefaultRandom again(42);
  std::map<std::size_t, int> replay;
  for (int i = 0; i < kRuns; ++i) {
    ++replay[LoadBalanceStrategy{}.order(*root, ctx, again)[0]];
  }
  EXPECT_EQ(replay, first);
}

TEST(LoadBalanceStrategy, PicksByCumulativeWeightAndOrdersTheRest) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("portkey/loadbalance.json")), d);
  RouteContext ctx;
  test::ScriptedRandom low({0.74, 0.0});
  EXPECT_EQ(LoadBalanceStrategy{}.order(*root, ctx, low), (std::vector<std::size_t>{0, 1}));
  test::ScriptedRandom high({0.75, 0.0});
  EXPECT_EQ(LoadBalanceStrategy{}.order(*root, ctx, high), (std::vector<std::size_t>{1, 0}));
}

TEST(LoadBalanceStrategy, MissingWeightDefaultsToOne) {
  auto d = directory();
  auto root = compileOk(parse(R"({"strategy":{"mode":"loadbalance"},"targets":[
      {"virtual_key":"xx"},{"virtual_key":"yy","weight":3}]})"),
                        d);
  RouteContext ctx;
  test::ScriptedRandom r({0.24, 0.0});
  EXPECT_EQ(LoadBalanceStrategy{}.order(*root, ctx, r)[0], 0u);
  test::ScriptedRandom r2({0.25, 0.0});
  EXPECT_EQ(LoadBalanceStrategy{}.order(*root, ctx, r2)[0], 1u);
}

TEST(FallbackStrategy, InOrderAndTriggers) {
  auto d = directory();
  auto any = compileOk(loadJson(test::routingData("portkey/fallback.json")), d);
  auto listed = compileOk(loadJson(test::routingData("portkey/fallback_on_status_codes.json")), d);
  RouteContext ctx;
  DefaultRandom random(1);
  FallbackStrategy s;
  EXPECT_EQ(s.order(*any, ctx, random), (std::vector<std::size_t>{0, 1}));
  EXPECT_TRUE(s.shouldTryNext(*any, test::upstreamStatus(400)));  // any non-2xx by default
  EXPECT_TRUE(s.shouldTryNext(*listed, test::upstreamStatus(429)));
  EXPECT_FALSE(s.shouldTryNext(*listed, test::upstreamStatus(500)));
  EXPECT_TRUE(s.shouldTryNext(*listed, test::connectionRefused()));
  EXPECT_TRUE(s.shouldTryNext(*listed, test::timedOut()));
}

TEST(LoadBalanceStrategy, MovesOnOnlyForConnectionFailuresOrListedCodes) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("portkey/loadbalance.json")), d);
  LoadBalanceStrategy s;
  EXPECT_FALSE(s.shouldTryNext(*root, test::upstreamStatus(500)));
  EXPECT_TRUE(s.shouldTryNext(*root, test::connectionRefused()));
  EXPECT_TRUE(s.shouldTryNext(*root, test::timedOut()));
}

TEST(ConditionalStrategy, RoutesByMetadataWithDefault) {
  auto d = directory();
  auto root = compileOk(loadJson(test::routingData("portkey/conditional_nested.json")), d);
  DefaultRandom random(1);
  ConditionalStrategy s;
  RouteContext ctx;
  ctx.metadata = parse(R"({"user_type":"pro","user_tier":"tier-1"})").as_object();
  EXPECT_EQ(s.order(*root, ctx, random), std::vector<std::size_t>{0});
  ctx.metadata = parse(R"({"user_type":"pro","app_name":"xx-my_app-yy"})").as_object();
  EXPECT_EQ(s.order(*root, ctx, random), std::vector<std::size_t>{1});
  ctx.metadata = {};
  EXPECT_EQ(s.order(*root, ctx, random), std::vector<std::size_t>{2});
  EXPECT_FALSE(s.shouldTryNext(*root, test::upstreamStatus(500)));
}

TEST(ConditionalStrategy, RoutesByParamsAndPath) {
  auto d = directory();
  auto root = compileOk(parse(R"({"strategy":{"mode":"conditional","conditions":[
        {"query":{"url.pathname":{"$regex":"/embeddings$"}},"then":"embed"},
        {"query":{"params.model":{"$eq":"fastest"}},"then":"fast"},
        {"query":{"params.temperature":{"$gt":0.7}},"then":"creative"}]},
      "targets":[{"name":"fast","virtual_key":"xx"},{"name":"creative","virtual_key":"yy"},
                 {"name":"embed","virtual_key":"openai-zz"}]})"),
                        d);
  DefaultRandom random(1);
  ConditionalStrategy s;
  auto body = parse(R"({"model":"fastest","temperature":0.9})").as_object();
  RouteContext ctx;
  ctx.params = &body;
  ctx.path = "/v1/chat/completions";
  EXPECT_EQ(s.order(*root, ctx, random), std::vector<std::size_t>{0});
  body["model"] = "other";
  EXPECT_EQ(s.order(*root, ctx, random), std::vector<std::size_t>{1});
  ctx.path = "/v1/embeddings";
  EXPECT_EQ(s.order(*root, ctx, random), std::vector<std::size_t>{2});
  body["temperature"] = 0.1;
  ctx.path = "/v1/chat/completions";
  EXPECT_TRUE(s.order(*root, ctx, random).empty());  // no match, no default
}

TEST(ConditionalStrategy, PortkeyFeatureFlagAndTimeWindowExamples) {
  auto d = directory();
  DefaultRandom random(1);
  ConditionalStrategy s;
  auto flags = compileOk(loadJson(test::routingData("portkey/conditional_feature_flags.json")), d);
  RouteContext ctx;
  ctx.metadata = parse(R"({"user_id":"beta-tester-2"})").as_object();
  EXPECT_EQ(flags->children[s.order(*flags, ctx, random)[0]].name, "new-experimental-model");
  ctx.metadata = parse(R"({"feature_flags":{"new_model_enabled":true}})").as_object();
  EXPECT_EQ(flags->children[s.order(*flags, ctx, random)[0]].name, "new-stable-model");

  auto hours =
      compileOk(loadJson(test::routingData("portkey/conditional_traffic_management.json")), d);
  ctx.metadata = parse(R"({"request_time":"10:30"})").as_object();
  EXPECT_EQ(hours->children[s.order(*hours, ctx, random)[0]].overrideModel(), "gpt-4o-mini");
  ctx.metadata = parse(R"({"request_time":"18:00"})").as_object();
  EXPECT_EQ(hours->children[s.order(*hours, ctx, random)[0]].overrideModel(), "gpt-4o");
}

TEST(EffectiveStatus, MapsErrorsToStatusCodes) {
  EXPECT_EQ(effectiveStatus(test::upstreamStatus(429)), 429);
  EXPECT_EQ(effectiveStatus(test::timedOut()), 408);
  EXPECT_EQ(effectiveStatus(test::connectionRefused()), 502);
  EXPECT_EQ(effectiveStatus(Error::invalid("x")), 400);
}

}  // namespace
}  // namespace gw::routing
