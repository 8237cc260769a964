// Forwarding from the control plane to its agents (docs/agents.md "Forwarding"): a real
// control plane, and a second gateway standing in for the agent. The stand-in is a gateway
// started on a copy of the control plane's database (so it knows the same virtual key,
// providers and models, as an agent does from its config document); the real `llm-gateway
// agent` would additionally recognise the forward token and not upload its own usage row.

#include <gtest/gtest.h>

#include "integration/dataplane_e2e_support.hpp"
#include "store/sqlite/database.hpp"

namespace gw::test {
namespace {

/// Control plane + stand-in agent, both calling the same mock-llm.
class AgentForward : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto provider = cp.createProvider("openai-mock", mock.baseUrl() + "/v1");
    cp.createModel(provider, "fwd-model", "fwd-upstream",
                   json::object{{"input_price", 1000000.0}, {"output_price", 1000000.0}});
    cp.createModel(provider, "local-model", "local-upstream");
    key = cp.createKey();
    // The stand-in agent: same key, providers and models.
    const std::string copy = (copy_dir.path() / "agent.db").string();
    store::sqlite::Database::open(cp.dbPath())->exec("VACUUM INTO '" + copy + "'");
    agent = std::make_unique<TestGateway>(std::map<std::string, std::string>{{"DB_PATH", copy}});
    auto login = agent->request("POST", "/api/auth/login",
                                R"({"username":"admin","password":"password123"})");
    ASSERT_EQ(login.status, 200) << login.body;
    agent_token = std::string(login.json().at("token").as_string());
  }

  /// Creates an agent on the control plane; returns {id, agent key}.
  std::pair<std::int64_t, std::string> createAgent(const std::string& name,
                                                   const std::string& endpoint,
                                                   const json::object& rules,
                                                   std::int64_t priority = 0) {
    const json::object body{{"name", name},         {"region", "eu-west-1"},
                            {"endpoint", endpoint}, {"rules", rules},
                            {"priority", priority}};
    auto r = cp.admin("POST", "/api/admin/agents", body);
    EXPECT_EQ(r.status, 201) << r.body;
    const auto doc = r.json();
    return {doc.at("agent").at("id").as_int64(), std::string(doc.at("key").as_string())};
  }
  std::string agentUrl() const { return "http://127.0.0.1:" + std::to_string(agent->port()); }

  void heartbeat(const std::string& agent_key) {
    const json::object beat{{"agent_version", "test"}, {"config_version", 0},
                            {"uptime_s", 1},           {"inflight", 0},
                            {"requests", 0},           {"errors", 0},
                            {"status", "ok"}};
    auto r = cp.gw().request("POST", "/api/agent/heartbeat", json::serialize(beat),
                             {{"Authorization", "Bearer " + agent_key}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  /// The control plane's log rows (all of them, newest first) once `count` are written.
  json::array cpLogs(std::size_t count) {
    json::array rows;
    eventually([&] {
      auto r = cp.admin("GET", "/api/admin/logs?page_size=100");
      rows = r.json().at("data").as_array();
      return rows.size() >= count;
    });
    return rows;
  }
  /// The stand-in agent's own log rows once `count` are written.
  json::array agentLogs(std::size_t count) {
    json::array rows;
    eventually([&] {
      auto r = agent->authed(agent_token, "GET", "/api/admin/logs?page_size=100");
      rows = r.json().at("data").as_array();
      return rows.size() >= count;
    });
    return rows;
  }

  MockLlm mock;
  E2eGateway cp;
  TempDir copy_dir;
  std::unique_ptr<TestGateway> agent;
  std::string agent_token;
  std::string key;
};

TEST_F(AgentForward, MatchingModelIsAnsweredByTheOnlineAgentAndLoggedOnceHere) {
  const auto [id, agent_key] = createAgent("eu", agentUrl(), {{"models", json::array{"fwd-*"}}});
  heartbeat(agent_key);
  mock.clear();

  auto r = cp.chat(key, "fwd-model");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "eu");
  EXPECT_EQ(r.header("x-gateway-provider"), "agent:eu");
  EXPECT_FALSE(chatText(r).empty());
  const std::string request_id = r.header("x-request-id");

  // The provider was called once, by the agent (with its own provider key, for the upstream
  // model it resolved).
  const auto seen = mock.requests();
  ASSERT_EQ(seen.size(), 1U);
  const auto agent_rows = agentLogs(1);
  ASSERT_EQ(agent_rows.size(), 1U);
  EXPECT_EQ(agent_rows[0].at("request_id"), json::value(request_id));
  EXPECT_EQ(agent_rows[0].at("provider_name"), json::value("openai-mock"));

  // The control plane logs it once, under the agent, with the agent's usage and the price.
  const auto rows = cpLogs(1);
  ASSERT_EQ(rows.size(), 1U);
  const auto& row = rows[0].as_object();
  EXPECT_EQ(row.at("agent"), json::value("eu"));
  EXPECT_EQ(row.at("provider_name"), json::value("agent:eu"));
  EXPECT_TRUE(row.at("provider_id").is_null());
  EXPECT_EQ(row.at("model"), json::value("fwd-model"));
  EXPECT_EQ(row.at("request_id"), json::value(request_id));
  EXPECT_EQ(row.at("status"), json::value(200));
  EXPECT_GT(row.at("completion_tokens").as_int64(), 0);
  EXPECT_GT(row.at("cost_usd").to_number<double>(), 0.0);
  auto by_agent = cp.admin("GET", "/api/admin/logs?agent=eu");
  EXPECT_EQ(by_agent.json().at("total"), json::value(1));
}

TEST_F(AgentForward, NonMatchingModelIsServedLocally) {
  const auto [id, agent_key] = createAgent("eu", agentUrl(), {{"models", json::array{"fwd-*"}}});
  heartbeat(agent_key);

  auto r = cp.chat(key, "local-model");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "");
  EXPECT_EQ(r.header("x-gateway-provider"), "openai-mock");
  const auto rows = cpLogs(1);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_TRUE(rows[0].at("agent").is_null());  // served by this node
  EXPECT_EQ(rows[0].at("provider_name"), json::value("openai-mock"));
  EXPECT_EQ(agent->authed(agent_token, "GET", "/api/admin/logs").json().at("total"),
            json::value(0));
}

TEST_F(AgentForward, AgentsNeverSeenOrDisabledAreNotForwardedTo) {
  const auto [id, agent_key] = createAgent("eu", agentUrl(), {});
  auto r = cp.chat(key, "fwd-model");  // no heartbeat yet: not online
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "");
  EXPECT_EQ(r.header("x-gateway-attempts"), "1");

  heartbeat(agent_key);
  auto put = cp.admin("PUT", "/api/admin/agents/" + std::to_string(id),
                      json::object{{"enabled", false}});
  ASSERT_EQ(put.status, 200) << put.body;
  r = cp.chat(key, "fwd-model");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "");
  EXPECT_EQ(agent->authed(agent_token, "GET", "/api/admin/logs").json().at("total"),
            json::value(0));
}

TEST_F(AgentForward, UnreachableAgentFallsBackToTheNextAgentThenHere) {
  // "dead" goes first (priority 0) but refuses connections; "eu" is next.
  const auto [dead_id, dead_key] = createAgent("dead", "http://127.0.0.1:1", {}, 0);
  heartbeat(dead_key);
  auto r = cp.chat(key, "fwd-model");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "");  // served here after the agent failed
  EXPECT_EQ(r.header("x-gateway-provider"), "openai-mock");
  EXPECT_EQ(r.header("x-gateway-attempts"), "2");

  const auto [eu_id, eu_key] = createAgent("eu", agentUrl(), {}, 1);
  heartbeat(eu_key);
  r = cp.chat(key, "fwd-model");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "eu");  // "dead" failed again or its breaker opened

  const auto rows = cpLogs(2);
  ASSERT_EQ(rows.size(), 2U);
  std::size_t by_eu = 0;
  for (const auto& row : rows) {
    by_eu += row.at("agent") == json::value("eu") ? 1 : 0;
    EXPECT_NE(row.at("agent"), json::value("dead"));
  }
  EXPECT_EQ(by_eu, 1U);
}

TEST_F(AgentForward, StreamsThroughTheAgentWithUsage) {
  const auto [id, agent_key] = createAgent("eu", agentUrl(), {{"models", json::array{"fwd-*"}}});
  heartbeat(agent_key);
  const json::object extra{{"stream", true},
                           {"stream_options", json::object{{"include_usage", true}}}};
  auto r = cp.chat(key, "fwd-model", {}, extra);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "eu");
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
  // The usage chunk reaches the client.
  const std::int64_t total = sseTotalTokens(r.body);
  EXPECT_GT(total, 0);
  const auto rows = cpLogs(1);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].at("agent"), json::value("eu"));
  EXPECT_EQ(rows[0].at("stream"), json::value(true));
  EXPECT_EQ(rows[0].at("prompt_tokens").as_int64() + rows[0].at("completion_tokens").as_int64(),
            total);
}

}  // namespace
}  // namespace gw::test
