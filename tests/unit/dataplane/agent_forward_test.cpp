#include "dataplane/agent_forward.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "core/crypto.hpp"
#include "routing/compiler.hpp"
#include "store/sqlite/request_log_store.hpp"
#include "unit/http/fake_response_writer.hpp"

namespace gw::dataplane {
namespace {

using namespace std::chrono_literals;

const std::string kHashEu = crypto::sha256Hex("agk-eu");
const std::string kHashUs = crypto::sha256Hex("agk-us");

/// A document with one provider, two models (one priced), a virtual model routed to the priced
/// one, and agents: "eu" (priority 5, models gpt-*), "us" (priority 1, every model, region us
/// only), "late" (priority 9, models gpt-*), "off" (disabled), "nowhere" (no endpoint) and "pk"
/// (Portkey), all matching gpt-* requests.
json::object document() {
  return json::parse(R"({
    "providers": [{"id": 1, "name": "openai-eu", "type": "openai",
                   "base_url": "https://api.example.com/v1", "api_key": "sk-upstream"}],
    "models": [{"id": 1, "provider_id": 1, "name": "gpt-4o", "model_id": "gpt-4o-2024",
                "input_price": 2.5, "output_price": 10},
               {"id": 2, "provider_id": 1, "name": "local-only", "model_id": "x"}],
    "keys": [],
    "routing_configs": [{"id": 7, "name": "vm", "virtual_model": "smart", "enabled": true,
                         "config": {"strategy": {"mode": "fallback"},
                                    "targets": [{"provider_id": 1,
                                                 "override_params": {"model": "gpt-4o-2024"}}]}}],
    "agents": [
      {"id": 1, "name": "eu", "kind": "gateway", "endpoint": "http://eu.example:3000/",
       "enabled": true, "priority": 5, "rules": {"models": ["gpt-*", "smart"]}},
      {"id": 2, "name": "us", "kind": "gateway", "endpoint": "http://us.example:3000",
       "enabled": true, "priority": 1, "rules": {"regions": ["us"]}},
      {"id": 3, "name": "late", "kind": "gateway", "endpoint": "http://late.example",
       "enabled": true, "priority": 9, "rules": {"models": ["gpt-*"]}},
      {"id": 4, "name": "off", "kind": "gateway", "endpoint": "http://off.example",
       "enabled": false, "priority": 0, "rules": {}},
      {"id": 5, "name": "nowhere", "kind": "gateway", "endpoint": null,
       "enabled": true, "priority": 0, "rules": {}},
      {"id": 6, "name": "pk", "kind": "portkey", "endpoint": "http://pk.example:8787",
       "enabled": true, "priority": 0, "rules": {}}
    ]})")
      .as_object();
}

class AgentForwardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto compiled = compileConfigDocument(document());
    ASSERT_TRUE(compiled) << compiled.error().message;
    snap = *compiled;
    route = routing::compileSingle(snap->providers.at(1), "gpt-4o-2024");
    // Every agent has been seen, so only rules, state and kind decide.
    for (std::int64_t id = 1; id <= 6; ++id) {
      liveness.seen(id, id == 2 ? kHashUs : kHashEu);
    }
  }

  std::vector<std::string> names(const std::vector<ForwardCandidate>& cs) const {
    std::vector<std::string> out;
    for (const auto& c : cs) {
      out.push_back(c.agent->name);
    }
    return out;
  }

  ForwardRequest request(std::string_view model, std::string_view region = "") const {
    ForwardRequest r;
    r.model = model;
    r.region = region;
    r.client_key = "sk-client";
    r.request_id = "req-1";
    return r;
  }

  FakeClock clock;
  AgentLiveness liveness{clock, 30s};
  std::shared_ptr<Snapshot> snap;
  routing::RouteNodePtr route;
};

TEST_F(AgentForwardTest, OnlyGatewayAgentsWithAnEndpointGetATarget) {
  std::map<std::string, ProviderPtr> targets;
  for (const auto& a : snap->agents) {
    targets[a.name] = a.target;
  }
  ASSERT_TRUE(targets.at("eu"));
  EXPECT_FALSE(targets.at("nowhere"));
  EXPECT_FALSE(targets.at("pk"));
  ASSERT_TRUE(targets.at("off"));  // disabled agents are skipped when choosing, not compiling
  const auto& eu = *targets.at("eu");
  EXPECT_EQ(eu.id, -1);
  EXPECT_EQ(eu.name, "agent:eu");
  EXPECT_EQ(eu.type, kAgentProviderType);
  EXPECT_EQ(eu.family, "openai");
  EXPECT_EQ(eu.base_url, "http://eu.example:3000/v1");
  EXPECT_TRUE(eu.api_key.empty());
  EXPECT_EQ(targets.at("us")->base_url, "http://us.example:3000/v1");
  // Agent targets are not providers of this node.
  EXPECT_EQ(snap->providers.size(), 1U);
}

TEST_F(AgentForwardTest, ForwardedRequestsArePricedAsTheLocalRouteWouldBe) {
  const auto model = snap->by_upstream.find(upstreamKey(-1, "gpt-4o"));
  ASSERT_NE(model, snap->by_upstream.end());
  EXPECT_EQ(model->second.input_price, 2.5);
  EXPECT_EQ(model->second.output_price, 10);
  const auto virtual_model = snap->by_upstream.find(upstreamKey(-1, "smart"));
  ASSERT_NE(virtual_model, snap->by_upstream.end());
  EXPECT_EQ(virtual_model->second.output_price, 10);
  EXPECT_EQ(snap->by_upstream.count(upstreamKey(-6, "gpt-4o")), 0U);  // Portkey: no target
}

TEST_F(AgentForwardTest, SelectionFollowsRulesPriorityAndState) {
  const std::vector<std::string> providers{"openai-eu"};
  // "off" is disabled, "nowhere" and "pk" cannot be forwarded to, "us" wants region us.
  EXPECT_EQ(names(selectAgents(*snap, liveness, "gpt-4o", providers, "")),
            (std::vector<std::string>{"eu", "late"}));
  EXPECT_EQ(names(selectAgents(*snap, liveness, "gpt-4o", providers, "us")),
            (std::vector<std::string>{"us", "eu", "late"}));
  EXPECT_EQ(names(selectAgents(*snap, liveness, "local-only", providers, "")),
            std::vector<std::string>{});
  EXPECT_EQ(names(selectAgents(*snap, liveness, "local-only", providers, "us")),
            std::vector<std::string>{"us"});
  const auto chosen = selectAgents(*snap, liveness, "gpt-4o", providers, "us");
  EXPECT_EQ(chosen[0].token_key, kHashUs);
  EXPECT_EQ(chosen[1].token_key, kHashEu);
}

TEST_F(AgentForwardTest, ProviderRulesMatchAnyProviderOfTheRoute) {
  auto doc = document();
  doc["agents"] = json::parse(R"([
      {"id": 1, "name": "eu", "kind": "gateway", "endpoint": "http://eu", "enabled": true,
       "priority": 0, "rules": {"providers": ["openai-eu"]}}])");
  auto compiled = compileConfigDocument(doc);
  ASSERT_TRUE(compiled);
  EXPECT_EQ(routeProviders(*route), std::vector<std::string>{"openai-eu"});
  EXPECT_EQ(selectAgents(**compiled, liveness, "m", {"other", "openai-eu"}, "").size(), 1U);
  EXPECT_TRUE(selectAgents(**compiled, liveness, "m", {"other"}, "").empty());
  EXPECT_TRUE(selectAgents(**compiled, liveness, "m", {}, "").empty());
}

TEST_F(AgentForwardTest, OfflineAndNeverSeenAgentsAreSkipped) {
  FakeClock other_clock;
  AgentLiveness fresh{other_clock, 30s};
  EXPECT_TRUE(selectAgents(*snap, fresh, "gpt-4o", {}, "").empty());  // never seen
  fresh.seen(3, kHashEu);
  EXPECT_EQ(names(selectAgents(*snap, fresh, "gpt-4o", {}, "")),
            std::vector<std::string>{"late"});
  other_clock.advance(31s);
  EXPECT_TRUE(selectAgents(*snap, fresh, "gpt-4o", {}, "").empty());  // gone quiet
}

TEST(AgentLivenessTest, OnlineWithinTheWindowWithTheLatestKey) {
  FakeClock clock;
  AgentLiveness liveness(clock, 30s);
  EXPECT_FALSE(liveness.online(1));
  EXPECT_FALSE(liveness.tokenKey(1));
  liveness.seen(1, "h1");
  EXPECT_TRUE(liveness.online(1));
  EXPECT_EQ(liveness.tokenKey(1), std::optional<std::string>("h1"));
  clock.advance(30s);
  EXPECT_TRUE(liveness.online(1));
  clock.advance(1s);
  EXPECT_FALSE(liveness.online(1));
  liveness.seen(1, "h1");
  EXPECT_TRUE(liveness.online(1));
  liveness.seen(1, "h2");
  EXPECT_EQ(liveness.tokenKey(1), std::optional<std::string>("h2"));
  EXPECT_FALSE(liveness.online(2));
  liveness.forget(1);
  EXPECT_FALSE(liveness.online(1));
  liveness.forget(42);  // unknown: nothing happens
}

TEST_F(AgentForwardTest, RouteTriesAgentsInOrderThenThisNode) {
  AgentForwarding fw{&liveness, {}};
  auto req = request("gpt-4o", "us");
  req.pass_headers = {{"x-gateway-region", "us"}, {"x-gateway-metadata", "{\"a\":\"b\"}"}};
  const auto root = routeWithAgents(fw, *snap, route, req);
  ASSERT_NE(root, route);
  EXPECT_EQ(root->mode, routing::StrategyMode::Fallback);
  ASSERT_TRUE(root->on_status_codes);
  for (int status : {401, 403, 404, 500, 502, 503, 504}) {
    EXPECT_NE(std::find(root->on_status_codes->begin(), root->on_status_codes->end(), status),
              root->on_status_codes->end())
        << status;
  }
  EXPECT_EQ(std::find(root->on_status_codes->begin(), root->on_status_codes->end(), 400),
            root->on_status_codes->end());
  ASSERT_EQ(root->children.size(), 4U);
  const std::vector<std::pair<std::string, std::string>> expected{{"us", kHashUs},
                                                                  {"eu", kHashEu},
                                                                  {"late", kHashEu}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& leaf = root->children[i];
    ASSERT_TRUE(leaf.isLeaf());
    EXPECT_EQ(leaf.path, "agent:" + expected[i].first);
    EXPECT_EQ(leaf.retry.attempts, 0);
    EXPECT_TRUE(leaf.override_params.empty());  // the agent gets the public model
    const auto& p = *leaf.provider;
    EXPECT_EQ(p.name, "agent:" + expected[i].first);
    EXPECT_EQ(p.api_key, "sk-client");
    const providers::Headers headers{
        {"x-gateway-region", "us"},
        {"x-gateway-metadata", "{\"a\":\"b\"}"},
        {"x-request-id", "req-1"},
        {std::string(kForwardedHeader), forwardToken(expected[i].second, "req-1")}};
    EXPECT_EQ(p.extra_headers, headers);
  }
  // The snapshot's target stays without the client's key.
  EXPECT_TRUE(snap->agents.front().target->api_key.empty());
  // Last: this node's own route, unchanged.
  const auto& local = root->children.back();
  EXPECT_EQ(local.mode, route->mode);
  ASSERT_EQ(local.children.size(), 1U);
  EXPECT_EQ(local.children[0].provider, snap->providers.at(1));
  EXPECT_EQ(local.children[0].path, "0");
}

TEST_F(AgentForwardTest, NoMatchingAgentKeepsTheRoute) {
  AgentForwarding fw{&liveness, {}};
  EXPECT_EQ(routeWithAgents(fw, *snap, route, request("local-only")), route);
}

TEST_F(AgentForwardTest, AgentModeAndNodesWithoutLivenessNeverForward) {
  AgentForwarding agent_mode{&liveness, kHashEu};
  EXPECT_EQ(routeWithAgents(agent_mode, *snap, route, request("gpt-4o")), route);
  AgentForwarding none{};
  EXPECT_EQ(routeWithAgents(none, *snap, route, request("gpt-4o")), route);
}

TEST(ForwardTokenTest, IsTheHexHmacOfTheRequestIdUnderTheKeyHash) {
  const std::string token = forwardToken(kHashEu, "req-1");
  EXPECT_EQ(token, crypto::toHex(crypto::hmacSha256(kHashEu, "req-1")));
  EXPECT_EQ(token.size(), 64U);
  EXPECT_NE(token, forwardToken(kHashEu, "req-2"));
  EXPECT_NE(token, forwardToken(kHashUs, "req-1"));
}

/// isForwardedRequest over a request with `headers` and id "req-1".
bool forwarded(const AgentForwarding& fw, const providers::Headers& headers) {
  http::Request req{http::bhttp::verb::post, "/v1/chat/completions", 11};
  for (const auto& [k, v] : headers) {
    req.set(k, v);
  }
  http::test::FakeResponseWriter writer;
  http::RequestContext rc(req, writer, "req-1", {});
  return isForwardedRequest(fw, rc);
}

TEST(ForwardTokenTest, AnAgentRecognisesOnlyItsControlPlanesToken) {
  const AgentForwarding agent{nullptr, kHashEu};
  const std::string good = forwardToken(kHashEu, "req-1");
  EXPECT_TRUE(forwarded(agent, {{"x-gateway-forwarded", good}}));
  EXPECT_FALSE(forwarded(agent, {}));
  EXPECT_FALSE(forwarded(agent, {{"x-gateway-forwarded", forwardToken(kHashUs, "req-1")}}));
  EXPECT_FALSE(forwarded(agent, {{"x-gateway-forwarded", forwardToken(kHashEu, "req-2")}}));
  EXPECT_FALSE(forwarded(agent, {{"x-gateway-forwarded", "garbage"}}));
  // The control plane has no token key: it recognises nothing.
  EXPECT_FALSE(forwarded(AgentForwarding{}, {{"x-gateway-forwarded", good}}));
}

TEST(MarkAnsweringAgentTest, HeaderNamesTheAgentAndGoesAwayOnFallback) {
  http::Request req{http::bhttp::verb::post, "/v1/chat/completions", 11};
  http::test::FakeResponseWriter writer;
  http::RequestContext rc(req, writer, "req-1", {});
  providers::ProviderConfig agent;
  agent.type = std::string(kAgentProviderType);
  agent.name = "agent:eu";
  providers::ProviderConfig local;
  local.type = "openai";
  local.name = "openai-eu";
  markAnsweringAgent(rc, agent);
  markAnsweringAgent(rc, agent);  // a retry: still one header
  boost::asio::io_context ioc;
  boost::asio::co_spawn(ioc, rc.sendJson(200, json::object{}), boost::asio::detached);
  ioc.run();
  ASSERT_EQ(writer.responses.size(), 1U);
  EXPECT_EQ(writer.responses[0]["x-gateway-agent"], "eu");
  EXPECT_EQ(std::distance(writer.responses[0].equal_range("x-gateway-agent").first,
                          writer.responses[0].equal_range("x-gateway-agent").second),
            1);

  http::test::FakeResponseWriter writer2;
  http::RequestContext rc2(req, writer2, "req-2", {});
  markAnsweringAgent(rc2, agent);
  markAnsweringAgent(rc2, local);
  boost::asio::io_context ioc2;
  boost::asio::co_spawn(ioc2, rc2.sendJson(200, json::object{}), boost::asio::detached);
  ioc2.run();
  ASSERT_EQ(writer2.responses.size(), 1U);
  EXPECT_EQ(writer2.responses[0].count("x-gateway-agent"), 0U);
}

TEST(NoteForwardingTest, AgentAnswersAreLoggedUnderTheAgent) {
  providers::ProviderConfig agent;
  agent.id = -3;
  agent.type = std::string(kAgentProviderType);
  agent.name = "agent:eu-west";
  store::UsageRecord rec;
  rec.provider_id = -3;
  rec.provider_name = "agent:eu-west";
  noteForwarding(rec, &agent, false);
  EXPECT_EQ(rec.agent, "eu-west");
  EXPECT_FALSE(rec.provider_id);
  EXPECT_EQ(rec.provider_name, "agent:eu-west");
  EXPECT_FALSE(rec.forwarded);

  providers::ProviderConfig local;
  local.id = 1;
  local.type = "openai";
  local.name = "agent:not-really";  // a provider's name alone does not make an agent
  store::UsageRecord own;
  own.provider_id = 1;
  noteForwarding(own, &local, true);
  EXPECT_EQ(own.agent, "");
  EXPECT_EQ(own.provider_id, std::optional<std::int64_t>(1));
  EXPECT_TRUE(own.forwarded);
  store::UsageRecord none;
  noteForwarding(none, nullptr, false);
  EXPECT_EQ(none.agent, "");
}

}  // namespace
}  // namespace gw::dataplane
