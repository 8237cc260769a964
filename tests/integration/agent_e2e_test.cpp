// Forwarding end to end with the REAL agent runtime: a control plane (the App on a temp SQLite
// file), mock-llm as the upstream, and `llm-gateway agent` (AgentApp in-process, port 0)
// registered on the control plane with its endpoint and a rule on the model. Once the agent's
// own heartbeat makes it online, a client calling the control plane is answered through the
// agent; the agent recognises the forward token and does not upload its own usage row, so the
// control plane logs the request exactly once. A client calling the agent directly is logged
// once too, from the agent's upload.

#include <gtest/gtest.h>

#include <memory>

#include "app/agent_app.hpp"
#include "integration/dataplane_e2e_support.hpp"
#include "integration/test_support.hpp"

namespace gw::test {
namespace {

class AgentE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto provider = cp_.createProvider("openai-mock", mock_.baseUrl() + "/v1");
    cp_.createModel(provider, "fwd-model", "fwd-upstream",
                    json::object{{"input_price", 1000000.0}, {"output_price", 1000000.0}});
    cp_.createModel(provider, "local-model", "local-upstream");
    key_ = cp_.createKey();

    // The agent is registered first (its key is needed to start it), without an endpoint.
    const json::object agent{{"name", "eu"}, {"region", "eu-west-1"}};
    auto created = cp_.admin("POST", "/api/admin/agents", agent);
    ASSERT_EQ(created.status, 201) << created.body;
    agent_id_ = created.json().at("agent").at("id").as_int64();

    agents::AgentConfig c;
    c.control_plane_url = "http://127.0.0.1:" + std::to_string(cp_.gw().port());
    c.agent_key = std::string(created.json().at("key").as_string());
    c.region = "eu-west-1";
    c.state_dir = (state_dir_.path() / "agent").string();
    c.host = "127.0.0.1";
    c.port = 0;
    c.threads = 1;
    c.log_level = "warn";
    agent_ = std::make_unique<app::AgentApp>(c);
    agent_->start();
    ASSERT_TRUE(eventually([&] { return agent_->configVersion() != 0; }, std::chrono::seconds(5)));
    const auto first_version = agent_->configVersion();

    // Now its endpoint and a rule on the model: the new document reaches the agent (long
    // poll), which heartbeats right after applying it; that makes it online on the control
    // plane, reporting the new version.
    const json::object update{{"endpoint", "http://127.0.0.1:" + std::to_string(agent_->port())},
                              {"rules", json::object{{"models", json::array{"fwd-*"}}}}};
    auto put = cp_.admin("PUT", "/api/admin/agents/" + std::to_string(agent_id_), update);
    ASSERT_EQ(put.status, 200) << put.body;
    ASSERT_TRUE(eventually(
        [&] {
          const auto version = agent_->configVersion();
          if (version == first_version) {
            return false;
          }
          auto r = cp_.admin("GET", "/api/admin/agents/" + std::to_string(agent_id_));
          if (r.status != 200) {
            return false;
          }
          const auto record = r.json();
          const auto& reported = record.at("config_version");
          return record.at("status") == json::value("online") && reported.is_number() &&
                 reported.to_number<std::uint64_t>() == version;
        },
        std::chrono::seconds(5)));
    mock_.clear();
  }

  void TearDown() override {
    if (agent_) {
      agent_->stop();
    }
  }

  /// A chat call straight to the agent with the client's key.
  HttpResponse direct(const std::string& model) { return postChat(agent_->port(), key_, model); }

  /// The control plane's log rows (newest first).
  json::array cpLogs() {
    auto r = cp_.admin("GET", "/api/admin/logs?page_size=100");
    return r.status == 200 ? r.json().at("data").as_array() : json::array{};
  }

  /// How many of the control plane's log rows carry `request_id`.
  std::size_t rowsFor(const std::string& request_id) {
    std::size_t n = 0;
    for (const auto& row : cpLogs()) {
      n += row.at("request_id") == json::value(request_id) ? 1 : 0;
    }
    return n;
  }

  /// The control plane's row for `request_id` once it is there (null when it never comes).
  json::value rowFor(const std::string& request_id) {
    json::value found;
    eventually(
        [&] {
          for (const auto& row : cpLogs()) {
            if (row.at("request_id") == json::value(request_id)) {
              found = row;
              return true;
            }
          }
          return false;
        },
        std::chrono::seconds(5));
    return found;
  }

  MockLlm mock_;
  E2eGateway cp_;
  TempDir state_dir_;
  std::int64_t agent_id_ = 0;
  std::string key_;
  std::unique_ptr<app::AgentApp> agent_;
};

TEST_F(AgentE2e, ForwardedRequestIsAnsweredByTheAgentAndLoggedOnceByTheControlPlane) {
  auto r = cp_.chat(key_, "fwd-model");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "eu");
  EXPECT_EQ(r.header("x-gateway-provider"), "agent:eu");
  EXPECT_FALSE(chatText(r).empty());
  const std::string forwarded_id = r.header("x-request-id");
  ASSERT_FALSE(forwarded_id.empty());

  // mock-llm was called once, by the agent, for the upstream model.
  const auto seen = mock_.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(json::parse(seen[0].at("body").as_string()).at("model"), json::value("fwd-upstream"));

  // A direct call to the agent: its row is uploaded by the agent. The agent hands rows to its
  // upload queue in order, so once this row is on the control plane, a row of the forwarded
  // request would be there too if the agent had (wrongly) uploaded it.
  auto d = direct("fwd-model");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.header("x-gateway-agent"), "");  // the agent answers itself, it never forwards
  const std::string direct_id = d.header("x-request-id");
  ASSERT_FALSE(direct_id.empty());
  ASSERT_NE(direct_id, forwarded_id);
  EXPECT_EQ(mock_.requests().size(), 2U);

  const auto direct_row = rowFor(direct_id);
  ASSERT_TRUE(direct_row.is_object()) << json::serialize(cpLogs());
  EXPECT_EQ(direct_row.at("agent"), json::value("eu"));
  EXPECT_EQ(direct_row.at("model"), json::value("fwd-model"));
  EXPECT_EQ(direct_row.at("status"), json::value(200));

  const auto forwarded_row = rowFor(forwarded_id);
  ASSERT_TRUE(forwarded_row.is_object()) << json::serialize(cpLogs());
  EXPECT_EQ(forwarded_row.at("agent"), json::value("eu"));
  EXPECT_EQ(forwarded_row.at("provider_name"), json::value("agent:eu"));
  EXPECT_EQ(forwarded_row.at("model"), json::value("fwd-model"));
  EXPECT_EQ(forwarded_row.at("status"), json::value(200));
  EXPECT_GT(forwarded_row.at("completion_tokens").as_int64(), 0);
  EXPECT_GT(forwarded_row.at("cost_usd").to_number<double>(), 0.0);

  // Exactly one row each: the forwarded one logged here only, the direct one uploaded once.
  EXPECT_EQ(rowsFor(forwarded_id), 1U) << json::serialize(cpLogs());
  EXPECT_EQ(rowsFor(direct_id), 1U) << json::serialize(cpLogs());
  EXPECT_EQ(cpLogs().size(), 2U) << json::serialize(cpLogs());
}

TEST_F(AgentE2e, NonMatchingModelIsServedByTheControlPlane) {
  auto r = cp_.chat(key_, "local-model");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "");
  EXPECT_EQ(r.header("x-gateway-provider"), "openai-mock");
  const auto row = rowFor(r.header("x-request-id"));
  ASSERT_TRUE(row.is_object());
  EXPECT_TRUE(row.at("agent").is_null());
  EXPECT_EQ(mock_.requests().size(), 1U);
}

TEST_F(AgentE2e, StreamsThroughTheAgentAndIsLoggedOnce) {
  const json::object extra{{"stream", true},
                           {"stream_options", json::object{{"include_usage", true}}}};
  auto r = cp_.chat(key_, "fwd-model", {}, extra);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-gateway-agent"), "eu");
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
  const std::int64_t total = sseTotalTokens(r.body);
  EXPECT_GT(total, 0);
  const std::string forwarded_id = r.header("x-request-id");
  EXPECT_EQ(mock_.requests().size(), 1U);

  // A direct call as the ordering barrier for the agent's uploads (see above).
  auto d = direct("fwd-model");
  ASSERT_EQ(d.status, 200) << d.body;
  ASSERT_TRUE(rowFor(d.header("x-request-id")).is_object());

  const auto row = rowFor(forwarded_id);
  ASSERT_TRUE(row.is_object()) << json::serialize(cpLogs());
  EXPECT_EQ(row.at("agent"), json::value("eu"));
  EXPECT_EQ(row.at("stream"), json::value(true));
  EXPECT_EQ(row.at("prompt_tokens").as_int64() + row.at("completion_tokens").as_int64(), total);
  EXPECT_EQ(rowsFor(forwarded_id), 1U) << json::serialize(cpLogs());
}

}  // namespace
}  // namespace gw::test
