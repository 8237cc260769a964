// The agent runtime end to end: a real control plane (the App on a temp SQLite file), mock-llm
// as the upstream, and an agent (AgentApp in-process, port 0) that pulls its configuration from
// the control plane, serves /v1 from it, reports heartbeats and usage, and keeps serving from
// its state file when the control plane is gone.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "app/agent_app.hpp"
#include "integration/dataplane_e2e_support.hpp"
#include "integration/test_support.hpp"

namespace gw::test {
namespace {

class AgentRuntimeTest : public ::testing::Test {
protected:
  void SetUp() override {
    provider_id_ = cp_.createProvider("mock", mock_.baseUrl() + "/v1");
    cp_.createModel(provider_id_, "gpt-agent", "gpt-4o-mini");
    vkey_ = cp_.createKey();
    const json::object agent{{"name", "eu"}, {"region", "eu-west-1"}};
    auto created = cp_.admin("POST", "/api/admin/agents", agent);
    ASSERT_EQ(created.status, 201) << created.body;
    agent_id_ = created.json().at("agent").at("id").as_int64();
    agent_key_ = std::string(created.json().at("key").as_string());
  }

  void TearDown() override {
    if (agent_) {
      agent_->stop();
    }
  }

  agents::AgentConfig agentConfig(unsigned short cp_port) const {
    agents::AgentConfig c;
    c.control_plane_url = "http://127.0.0.1:" + std::to_string(cp_port);
    c.agent_key = agent_key_;
    c.region = "eu-west-1";
    c.state_dir = (state_dir_.path() / "agent").string();
    c.host = "127.0.0.1";
    c.port = 0;
    c.threads = 1;
    c.log_level = "warn";
    return c;
  }

  void startAgent(unsigned short cp_port) {
    agent_ = std::make_unique<app::AgentApp>(agentConfig(cp_port));
    agent_->start();
  }

  HttpResponse viaAgent(const std::string& model) {
    return postChat(agent_->port(), vkey_, model);
  }

  bool agentReady() { return httpRequest(agent_->port(), "GET", "/readyz").status == 200; }

  json::object agentRecord() {
    auto r = cp_.admin("GET", "/api/admin/agents/" + std::to_string(agent_id_));
    return r.status == 200 && r.json().is_object() ? r.json().as_object() : json::object{};
  }

  MockLlm mock_;
  E2eGateway cp_;
  TempDir state_dir_;
  std::int64_t provider_id_ = 0;
  std::int64_t agent_id_ = 0;
  std::string vkey_;
  std::string agent_key_;
  std::unique_ptr<app::AgentApp> agent_;
};

TEST_F(AgentRuntimeTest, ServesFollowsReportsAndSurvivesTheControlPlane) {
  startAgent(cp_.gw().port());
  ASSERT_TRUE(eventually([&] { return agentReady(); }, std::chrono::seconds(5)));

  // A virtual key of the control plane gets an answer from mock-llm through the agent.
  auto r = viaAgent("gpt-agent");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(chatText(r).empty());
  const auto upstream = mock_.requests();
  ASSERT_FALSE(upstream.empty());
  const auto sent = json::parse(upstream.back().at("body").as_string());
  EXPECT_EQ(sent.at("model"), json::value("gpt-4o-mini"));

  // An admin change reaches the agent within 2 s (long poll).
  cp_.createModel(provider_id_, "gpt-agent-new", "gpt-4o");
  EXPECT_TRUE(eventually([&] { return viaAgent("gpt-agent-new").status == 200; },
                         std::chrono::seconds(2)));

  // Heartbeats make it online, with its figures.
  ASSERT_TRUE(eventually(
      [&] {
        auto a = agentRecord();
        return a["status"] == json::value("online") && a["config_version"].is_number();
      },
      std::chrono::seconds(3)));
  const auto record = agentRecord();
  EXPECT_EQ(record.at("agent_version"), json::value(app::kVersion));
  EXPECT_TRUE(record.at("config_version").is_number()) << json::serialize(record);

  // The request appears in the control plane's log with the agent's name.
  ASSERT_TRUE(eventually(
      [&] {
        auto logs = cp_.admin("GET", "/api/admin/logs?page_size=50");
        if (logs.status != 200) {
          return false;
        }
        const auto page = logs.json();
        for (const auto& row : page.at("data").as_array()) {
          if (row.as_object().if_contains("agent") && row.at("agent") == json::value("eu") &&
              row.at("model") == json::value("gpt-agent")) {
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(4)));

  // Control plane gone, agent restarted: it serves from its state file.
  agent_->stop();
  agent_.reset();
  const auto dead_port = cp_.gw().port();
  cp_.gw().stop();
  startAgent(dead_port);
  EXPECT_TRUE(agentReady());
  auto again = viaAgent("gpt-agent-new");
  EXPECT_EQ(again.status, 200) << again.body;
  auto ready = httpRequest(agent_->port(), "GET", "/readyz");
  EXPECT_EQ(ready.json().at("control_plane"), json::value("unreachable"));
}

TEST_F(AgentRuntimeTest, UnknownKeyIsNotReadyAndForeignStateIsIgnored) {
  agent_key_ = "agk-not-a-real-key-000000000000";
  std::filesystem::create_directories(state_dir_.path() / "agent");
  std::ofstream(state_dir_.path() / "agent" / "config.json") << "{\"not\": \"ours\"}";
  startAgent(cp_.gw().port());
  auto ready = httpRequest(agent_->port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json().at("status"), json::value("not_ready"));
  EXPECT_EQ(viaAgent("gpt-agent").status, 401);  // no document: no key is known
  EXPECT_EQ(httpRequest(agent_->port(), "GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace gw::test
