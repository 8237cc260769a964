#include <gtest/gtest.h>

#include "routing/executor.hpp"
#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::compileOk;
using test::parse;
using Names = std::vector<std::string>;

class ExecutorTest : public ::testing::Test {
protected:
  RouteOutcome run(const RouteNodePtr& root) {
    return test::runSync(executor_.execute(*root, ctx_, upstream_.fn()));
  }
  RouteNodePtr config(std::string_view text) { return compileOk(parse(text), directory_); }

  MapProviderDirectory directory_ = test::directory();
  FakeClock clock_;
  test::ScriptedRandom random_{{0.5}};
  test::FakeSleeper sleeper_{clock_};
  CircuitBreakerRegistry breakers_{clock_};
  Executor executor_{clock_, random_, sleeper_, &breakers_};
  RouteContext ctx_;
  test::FakeUpstream upstream_;
};

constexpr std::string_view kFallback = R"({"strategy":{"mode":"fallback"},"targets":[
    {"virtual_key":"xx"},{"virtual_key":"yy"},{"virtual_key":"openai-zz"}]})";

TEST_F(ExecutorTest, SuccessOnFirstTarget) {
  auto outcome = run(config(kFallback));
  EXPECT_TRUE(outcome.result);
  EXPECT_EQ(outcome.attempts, 1);
  EXPECT_EQ(outcome.last_path, "0");
  EXPECT_EQ(outcome.last_provider->name, "xx");
}

TEST_F(ExecutorTest, FallsBackOn500) {
  upstream_.script["xx"] = {test::upstreamStatus(500)};
  auto outcome = run(config(kFallback));
  EXPECT_TRUE(outcome.result);
  EXPECT_EQ(upstream_.providersCalled(), (Names{"xx", "yy"}));
  EXPECT_EQ(outcome.attempts, 2);
  EXPECT_EQ(outcome.last_path, "1");
}

TEST_F(ExecutorTest, FallsBackOnTimeoutAndConnectionRefused) {
  upstream_.script["xx"] = {test::timedOut()};
  upstream_.script["yy"] = {test::connectionRefused()};
  auto outcome = run(config(kFallback));
  EXPECT_TRUE(outcome.result);
  EXPECT_EQ(upstream_.providersCalled(), (Names{"xx", "yy", "openai-zz"}));
  EXPECT_EQ(outcome.last_path, "2");
}

TEST_F(ExecutorTest, FallbackOnlyOnListedStatusCodes) {
  auto root = config(R"({"strategy":{"mode":"fallback","on_status_codes":[429]},"targets":[
      {"virtual_key":"xx"},{"virtual_key":"yy"}]})");
  upstream_.script["xx"] = {test::upstreamStatus(500)};
  auto outcome = run(root);
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().upstream_status, 500);
  EXPECT_EQ(upstream_.providersCalled(), Names{"xx"});

  upstream_.calls.clear();
  upstream_.script["xx"] = {test::connectionRefused()};  // never answered: always falls back
  EXPECT_TRUE(run(root).result);
  EXPECT_EQ(upstream_.providersCalled(), (Names{"xx", "yy"}));
}

TEST_F(ExecutorTest, AllFailedAnswersTheLastError) {
  upstream_.script["xx"] = {test::upstreamStatus(500)};
  upstream_.script["yy"] = {test::upstreamStatus(502)};
  upstream_.script["openai-zz"] = {test::upstreamStatus(503)};
  auto outcome = run(config(kFallback));
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().upstream_status, 503);
  EXPECT_EQ(outcome.attempts, 3);
}

TEST_F(ExecutorTest, RetriesWithExponentialBackoffAndFullJitter) {
  auto root = config(R"({"virtual_key":"xx","retry":{"attempts":3}})");
  upstream_.script["xx"] = {test::upstreamStatus(503), test::upstreamStatus(502),
                            test::upstreamStatus(500)};
  auto outcome = run(root);
  EXPECT_TRUE(outcome.result);
  EXPECT_EQ(outcome.attempts, 4);
  // random 0.5 x min(5000, 250 * 2^(n-1)).
  EXPECT_EQ(sleeper_.delays, (std::vector<milliseconds>{milliseconds(125), milliseconds(250),
                                                         milliseconds(500)}));
  ASSERT_EQ(upstream_.calls.size(), 4u);
  EXPECT_EQ(upstream_.calls[3].retry, 3);
  EXPECT_EQ(upstream_.calls[3].attempt, 4);
}

TEST_F(ExecutorTest, BackoffIsCapped) {
  ExecutorOptions options;
  options.backoff_base = milliseconds(1000);
  options.backoff_cap = milliseconds(3000);
  test::ScriptedRandom one{{0.999}};
  Executor executor(clock_, one, sleeper_, nullptr, options);
  RetryPolicy policy;
  EXPECT_EQ(executor.retryDelay(policy, 1, test::upstreamStatus(500)), milliseconds(999));
  EXPECT_EQ(executor.retryDelay(policy, 2, test::upstreamStatus(500)), milliseconds(1998));
  EXPECT_EQ(executor.retryDelay(policy, 5, test::upstreamStatus(500)), milliseconds(2997));
}

TEST_F(ExecutorTest, RetryCountIsBoundedByAttempts) {
  auto root = config(R"({"strategy":{"mode":"fallback"},"targets":[
      {"virtual_key":"xx","retry":{"attempts":2}},{"virtual_key":"yy"}]})");
  upstream_.script["xx"] = {test::upstreamStatus(500), test::upstreamStatus(500),
                            test::upstreamStatus(500), test::upstreamStatus(500)};
  auto outcome = run(root);
  EXPECT_TRUE(outcome.result);
  EXPECT_EQ(upstream_.providersCalled(), (Names{"xx", "xx", "xx", "yy"}));
  EXPECT_EQ(sleeper_.delays.size(), 2u);
}

TEST_F(ExecutorTest, NoRetryOnStatusOutsideTheList) {
  auto root = config(R"({"virtual_key":"xx","retry":{"attempts":3}})");
  upstream_.script["xx"] = {test::upstreamStatus(400)};
  auto outcome = run(root);
  EXPECT_FALSE(outcome.result);
  EXPECT_EQ(outcome.attempts, 1);

  // Portkey's default list has no 408, so a timeout is not retried unless listed.
  upstream_.calls.clear();
  upstream_.script["xx"] = {test::timedOut()};
  EXPECT_FALSE(run(root).result);
  EXPECT_EQ(upstream_.calls.size(), 1u);
  upstream_.calls.clear();
  upstream_.script["xx"] = {test::timedOut()};
  EXPECT_TRUE(run(config(R"({"virtual_key":"xx","retry":{"attempts":1,"on_status_codes":[408]}})"))
                  .result);
  EXPECT_EQ(upstream_.calls.size(), 2u);
}

TEST_F(ExecutorTest, ConnectionRefusedIsRetriedByDefault) {
  upstream_.script["xx"] = {test::connectionRefused()};
  EXPECT_TRUE(run(config(R"({"virtual_key":"xx","retry":{"attempts":1}})")).result);
  EXPECT_EQ(upstream_.calls.size(), 2u);
}

TEST_F(ExecutorTest, RetryAfterIsHonouredUpToTheCap) {
  auto root = config(R"({"strategy":{"mode":"fallback"},"targets":[
      {"virtual_key":"xx","retry":{"attempts":3}},{"virtual_key":"yy"}]})");
  upstream_.script["xx"] = {test::upstreamStatus(429, 2), test::upstreamStatus(429, 30)};
  auto outcome = run(root);
  EXPECT_TRUE(outcome.result);
  // 2 s waited exactly; 30 s exceeds the 10 s cap: retries end and the fallback runs.
  EXPECT_EQ(sleeper_.delays, std::vector<milliseconds>{milliseconds(2000)});
  EXPECT_EQ(upstream_.providersCalled(), (Names{"xx", "xx", "yy"}));
}

TEST_F(ExecutorTest, RetryAfterIgnoredWhenDisabled) {
  auto root = config(R"({"virtual_key":"xx",
      "retry":{"attempts":1,"use_retry_after_headers":false}})");
  upstream_.script["xx"] = {test::upstreamStatus(429, 30)};
  EXPECT_TRUE(run(root).result);
  EXPECT_EQ(sleeper_.delays, std::vector<milliseconds>{milliseconds(125)});
}

TEST_F(ExecutorTest, NoRetryNorFallbackOnceTheResponseStarted) {
  ctx_.response_started = [this] { return upstream_.started; };
  upstream_.start_on_attempt = true;
  upstream_.script["xx"] = {test::upstreamStatus(500)};
  auto root = config(R"({"strategy":{"mode":"fallback"},"targets":[
      {"virtual_key":"xx","retry":{"attempts":3}},{"virtual_key":"yy"}]})");
  auto outcome = run(root);
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(upstream_.providersCalled(), Names{"xx"});
  EXPECT_TRUE(sleeper_.delays.empty());
}

TEST_F(ExecutorTest, TotalDeadlineStopsRetriesAndFallbacks) {
  ctx_.deadline = clock_.steadyNow() + milliseconds(1000);
  upstream_.clock = &clock_;
  upstream_.latency = milliseconds(600);
  upstream_.script["xx"] = {test::upstreamStatus(500)};
  upstream_.script["yy"] = {test::upstreamStatus(500)};
  auto root = config(R"({"strategy":{"mode":"fallback"},"targets":[
      {"virtual_key":"xx"},{"virtual_key":"yy"},{"virtual_key":"openai-zz"}]})");
  auto outcome = run(root);
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(upstream_.providersCalled(), (Names{"xx", "yy"}));
  // The second attempt got only what was left of the total deadline.
  EXPECT_EQ(upstream_.calls[1].timeout, milliseconds(400));
}

TEST_F(ExecutorTest, BackoffNeverSleepsPastTheDeadline) {
  ctx_.deadline = clock_.steadyNow() + milliseconds(100);
  upstream_.script["xx"] = {test::upstreamStatus(500)};
  auto outcome = run(config(R"({"virtual_key":"xx","retry":{"attempts":3}})"));
  EXPECT_FALSE(outcome.result);
  EXPECT_TRUE(sleeper_.delays.empty());  // 125 ms would end past the deadline
  EXPECT_EQ(outcome.attempts, 1);
}

TEST_F(ExecutorTest, PerAttemptTimeoutFromRequestTimeout) {
  auto root = config(R"({"strategy":{"mode":"fallback"},"request_timeout":1500,"targets":[
      {"virtual_key":"xx"},{"virtual_key":"yy","request_timeout":700}]})");
  upstream_.script["xx"] = {test::timedOut()};
  EXPECT_TRUE(run(root).result);
  EXPECT_EQ(upstream_.calls[0].timeout, milliseconds(1500));
  EXPECT_EQ(upstream_.calls[1].timeout, milliseconds(700));
}

TEST_F(ExecutorTest, OpenCircuitsAreSkippedAndRecover) {
  auto root = config(kFallback);
  for (int i = 0; i < 5; ++i) {
    upstream_.script["xx"].push_back(test::upstreamStatus(503));
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(run(root).result);
  }
  EXPECT_EQ(breakers_.state(breakerKey(directory_.findByName("xx")->id, "xx", "")),
            BreakerState::Open);
  upstream_.calls.clear();
  auto outcome = run(root);
  EXPECT_TRUE(outcome.result);
  EXPECT_EQ(upstream_.providersCalled(), Names{"yy"});  // xx skipped, not attempted
  EXPECT_EQ(outcome.attempts, 1);

  clock_.advance(seconds(30));  // cool-down over: xx gets the probe and recovers
  upstream_.calls.clear();
  EXPECT_TRUE(run(root).result);
  EXPECT_EQ(upstream_.providersCalled(), Names{"xx"});
  EXPECT_EQ(breakers_.state("1/"), BreakerState::Closed);
}

TEST_F(ExecutorTest, AllCircuitsOpenAnswersNoAvailableTarget) {
  auto root = config(R"({"strategy":{"mode":"fallback"},"targets":[
      {"virtual_key":"xx"},{"virtual_key":"yy"}]})");
  for (const auto* name : {"xx", "yy"}) {
    const auto key = breakerKey(directory_.findByName(name)->id, name, "");
    for (int i = 0; i < 5; ++i) {
      breakers_.recordFailure(key);
    }
  }
  auto outcome = run(root);
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().code, ErrorCode::NoAvailableTarget);
  EXPECT_EQ(httpStatus(outcome.result.error()), 503u);
  EXPECT_EQ(outcome.attempts, 0);
}

TEST_F(ExecutorTest, BreakerKeyUsesTheUpstreamModel) {
  auto body = parse(R"({"model":"gpt-4o"})").as_object();
  ctx_.params = &body;
  run(config(R"({"strategy":{"mode":"fallback"},"targets":[
      {"virtual_key":"xx"},{"virtual_key":"yy","override_params":{"model":"o1"}}]})"));
  upstream_.script["xx"] = {test::upstreamStatus(500)};
  run(config(R"({"strategy":{"mode":"fallback"},"targets":[
      {"virtual_key":"xx"},{"virtual_key":"yy","override_params":{"model":"o1"}}]})"));
  const auto keys = breakers_.toJson();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].at("key"), "5/gpt-4o");  // "xx" is provider 5 in the test directory
  EXPECT_EQ(keys[1].at("key"), "6/o1");
}

TEST_F(ExecutorTest, NestedLoadBalanceWithFallbackInside) {
  auto root = compileOk(
      test::loadJson(test::routingData("portkey/nested_loadbalance_fallback.json")), directory_);
  test::ScriptedRandom pick_nested{{0.9, 0.0}};
  Executor executor(clock_, pick_nested, sleeper_, &breakers_);
  upstream_.script["anthropic-virtual-key"] = {test::upstreamStatus(500)};
  auto outcome = test::runSync(executor.execute(*root, ctx_, upstream_.fn()));
  EXPECT_TRUE(outcome.result);
  EXPECT_EQ(upstream_.providersCalled(), (Names{"anthropic-virtual-key", "cohere-virtual-key"}));
  EXPECT_EQ(outcome.last_path, "1.1");
}

TEST_F(ExecutorTest, LoadBalanceMovesOnOnlyForConnectionFailures) {
  auto root = config(R"({"strategy":{"mode":"loadbalance"},"targets":[
      {"virtual_key":"xx","weight":1},{"virtual_key":"yy","weight":1}]})");
  test::ScriptedRandom first{{0.1, 0.0}};
  Executor executor(clock_, first, sleeper_, nullptr);
  upstream_.script["xx"] = {test::upstreamStatus(500), test::connectionRefused()};
  auto failed = test::runSync(executor.execute(*root, ctx_, upstream_.fn()));
  EXPECT_FALSE(failed.result);
  EXPECT_EQ(upstream_.providersCalled(), Names{"xx"});
  upstream_.calls.clear();
  test::ScriptedRandom again{{0.1, 0.0}};
  Executor executor2(clock_, again, sleeper_, nullptr);
  auto moved = test::runSync(executor2.execute(*root, ctx_, upstream_.fn()));
  EXPECT_TRUE(moved.result);
  EXPECT_EQ(upstream_.providersCalled(), (Names{"xx", "yy"}));
}

TEST_F(ExecutorTest, ConditionalRoutesByMetadataAndOverridesTheModel) {
  auto root = compileOk(test::loadJson(test::routingData("portkey/conditional_user_tier.json")),
                        directory_);
  ctx_.metadata = parse(R"({"user_tier":"premium"})").as_object();
  auto outcome = run(root);
  EXPECT_TRUE(outcome.result);
  ASSERT_EQ(upstream_.calls.size(), 1u);
  EXPECT_EQ(upstream_.calls[0].model, "gpt-4o");
  EXPECT_EQ(upstream_.calls[0].path, "0");
  ctx_.metadata = {};
  run(root);
  EXPECT_EQ(upstream_.calls[1].model, "gpt-4o-mini");
}

TEST_F(ExecutorTest, ConditionalWithoutMatchOrDefaultIsNoAvailableTarget) {
  auto root = config(R"({"strategy":{"mode":"conditional","conditions":[
      {"query":{"metadata.plan":"paid"},"then":"a"}]},"targets":[{"name":"a","virtual_key":"xx"}]})");
  auto outcome = run(root);
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().code, ErrorCode::NoAvailableTarget);
  EXPECT_TRUE(upstream_.calls.empty());
}

}  // namespace
}  // namespace gw::routing
