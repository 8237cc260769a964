// Integration tests of /api/admin/agents and the agent API /api/agent/*: the real App over
// real sockets.

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "core/crypto.hpp"
#include "integration/test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::test {
namespace {

constexpr const char* kBase = "/api/admin/agents";

class AgentRoutes : public ::testing::Test {
 protected:
  TestGateway gw;
  std::string token = gw.registerAdmin();

  HttpResponse call(const std::string& method, const std::string& path,
                    const json::value& body = nullptr) {
    return gw.authed(token, method, path, body.is_null() ? std::string() : json::serialize(body));
  }
  /// A request authenticated with an agent key.
  HttpResponse agentCall(const std::string& key, const std::string& method, const std::string& path,
                         const json::value& body = nullptr) {
    return gw.request(method, path, body.is_null() ? std::string() : json::serialize(body),
                      {{"Authorization", "Bearer " + key}});
  }
  json::object create(const json::object& body) {
    auto r = call("POST", kBase, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().as_object();
  }
  std::string path(std::int64_t id, const std::string& suffix = "") {
    return std::string(kBase) + "/" + std::to_string(id) + suffix;
  }
  std::int64_t configVersion(const std::string& key) {
    auto r = agentCall(key, "GET", "/api/agent/config?version=0&wait=0");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("version").as_int64();
  }
};

std::set<std::string> detailPaths(const HttpResponse& r) {
  std::set<std::string> out;
  const json::value doc = r.json();
  if (const auto* details = doc.at("error").as_object().if_contains("details")) {
    for (const auto& d : details->as_array()) {
      out.insert(std::string(d.at("path").as_string()));
    }
  }
  return out;
}

std::set<std::string> keysOf(const json::value& v) {
  std::set<std::string> out;
  for (const auto& [k, _] : v.as_object()) {
    out.insert(std::string(k));
  }
  return out;
}

TEST_F(AgentRoutes, CreateShowsTheKeyOnceAndStoresOnlyItsHash) {
  const auto answer = create(json::object{
      {"name", "eu-west"},
      {"region", "eu-west-1"},
      {"endpoint", "https://eu.example.com:3000/"},
      {"rules", {{"models", json::array{"gpt-4o*", "claude-*"}}, {"regions", json::array{"eu"}}}},
      {"priority", 3}});
  EXPECT_EQ(keysOf(answer), (std::set<std::string>{"agent", "key", "install_script"}));
  const std::string key(answer.at("key").as_string());
  EXPECT_TRUE(key.starts_with("agk-"));
  EXPECT_GE(key.size(), 40U);
  const auto& agent = answer.at("agent").as_object();
  EXPECT_EQ(keysOf(agent),
            (std::set<std::string>{"id", "name", "region", "description", "kind", "endpoint",
                                   "enabled", "rules", "priority", "key_prefix", "status",
                                   "last_seen_at", "latency_ms", "agent_version", "config_version",
                                   "remote_addr", "stats", "created_at", "updated_at"}));
  EXPECT_EQ(agent.at("endpoint"), json::value("https://eu.example.com:3000"));
  EXPECT_EQ(agent.at("kind"), json::value("gateway"));
  EXPECT_EQ(agent.at("status"), json::value("unknown"));
  EXPECT_EQ(agent.at("rules"),
            json::parse(R"({"models":["gpt-4o*","claude-*"],"providers":[],"regions":["eu"]})"));
  const std::string prefix(agent.at("key_prefix").as_string());
  EXPECT_TRUE(key.starts_with(prefix.substr(0, 8)));
  EXPECT_EQ(prefix.find(key), std::string::npos);
  const std::string script(answer.at("install_script").as_string());
  EXPECT_NE(script.find("AGENT_KEY='" + key + "'"), std::string::npos);
  EXPECT_NE(script.find("AGENT_REGION='eu-west-1'"), std::string::npos);
  // The test client sends "Host: 127.0.0.1".
  EXPECT_NE(script.find("CONTROL_PLANE_URL='http://127.0.0.1'"), std::string::npos);

  const auto id = agent.at("id").as_int64();
  auto got = call("GET", path(id));
  ASSERT_EQ(got.status, 200);
  EXPECT_FALSE(got.json().as_object().contains("key"));
  EXPECT_EQ(got.body.find(key), std::string::npos);
  auto list = call("GET", kBase);
  EXPECT_EQ(list.json().at("total").as_int64(), 1);
  EXPECT_EQ(list.body.find(key), std::string::npos);

  gw.stop();
  auto store = store::sqlite::openSqliteStore((gw.dir().path() / "gateway.db").string());
  const auto row = store->agents().get(id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->key_hash, crypto::sha256Hex(key));
}

TEST_F(AgentRoutes, ValidationNamesEveryBadPathAndChangesNothing) {
  auto r = call("POST", kBase, json::parse(R"({"name":"","region":"eu west;rm","kind":"docker",
                  "endpoint":"ftp://x","enabled":"yes","priority":1.5,
                  "rules":{"models":["ok",""],"regions":"eu","hosts":[]},"key":"agk-mine"})"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(detailPaths(r),
            (std::set<std::string>{"name", "region", "kind", "endpoint", "enabled", "priority",
                                   "rules.models[1]", "rules.regions", "rules.hosts", "key"}));
  EXPECT_EQ(call("POST", kBase, json::parse(R"({"region":"eu"})")).status, 400);
  EXPECT_EQ(gw.authed(token, "POST", kBase, "{not json").status, 400);
  EXPECT_EQ(call("GET", kBase).json().at("total").as_int64(), 0);
  EXPECT_EQ(call("GET", path(99)).status, 404);
  EXPECT_EQ(call("PUT", path(99), json::object{{"priority", 1}}).status, 404);
  EXPECT_EQ(call("DELETE", path(99)).status, 404);
  EXPECT_EQ(call("POST", path(99, "/regenerate-key")).status, 404);
  EXPECT_EQ(call("POST", path(99, "/check")).status, 404);
  EXPECT_EQ(call("GET", path(99, "/install-script")).status, 404);
}

TEST_F(AgentRoutes, DuplicateNameIs409UpdateAndDelete) {
  const auto id = create({{"name", "eu"}, {"region", "eu-1"}}).at("agent").at("id").as_int64();
  auto dup = call("POST", kBase, json::object{{"name", "eu"}, {"region", "us-1"}});
  EXPECT_EQ(dup.status, 409) << dup.body;
  const auto other = create({{"name", "us"}, {"region", "us-1"}}).at("agent").at("id").as_int64();
  EXPECT_EQ(call("PUT", path(other), json::object{{"name", "eu"}}).status, 409);

  auto put = call("PUT", path(id), json::parse(R"({"enabled":false,"endpoint":null,
      "rules":{"providers":["openai-eu"]},"description":"Frankfurt"})"));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().at("status"), json::value("disabled"));
  EXPECT_EQ(put.json().at("description"), json::value("Frankfurt"));
  EXPECT_EQ(put.json().at("name"), json::value("eu"));
  EXPECT_EQ(put.json().at("rules").at("providers"), json::parse(R"(["openai-eu"])"));
  EXPECT_EQ(call("PUT", path(id), json::object{{"region", "bad region"}}).status, 400);

  auto filtered = call("GET", std::string(kBase) + "?enabled=false");
  EXPECT_EQ(filtered.json().at("total").as_int64(), 1);
  filtered = call("GET", std::string(kBase) + "?region=us-1");
  EXPECT_EQ(filtered.json().at("data").at(0).at("name"), json::value("us"));

  EXPECT_EQ(call("DELETE", path(id)).status, 204);
  EXPECT_EQ(call("GET", path(id)).status, 404);
}

TEST_F(AgentRoutes, ViewerCannotWrite) {
  const auto id = create({{"name", "eu"}, {"region", "eu-1"}}).at("agent").at("id").as_int64();
  ASSERT_EQ(
      call("POST", "/api/admin/users",
           json::parse(R"({"username":"watcher","password":"viewer-pass-1","role":"viewer"})"))
          .status,
      201);
  auto login =
      gw.request("POST", "/api/auth/login", R"({"username":"watcher","password":"viewer-pass-1"})");
  ASSERT_EQ(login.status, 200);
  const std::string viewer(login.json().at("token").as_string());
  EXPECT_EQ(gw.authed(viewer, "GET", kBase).status, 200);
  EXPECT_EQ(gw.authed(viewer, "GET", path(id, "/install-script")).status, 200);
  EXPECT_EQ(gw.authed(viewer, "POST", kBase, R"({"name":"x","region":"r"})").status, 403);
  EXPECT_EQ(gw.authed(viewer, "PUT", path(id), R"({"priority":1})").status, 403);
  EXPECT_EQ(gw.authed(viewer, "DELETE", path(id)).status, 403);
  EXPECT_EQ(gw.authed(viewer, "POST", path(id, "/regenerate-key")).status, 403);
  EXPECT_EQ(gw.authed(viewer, "POST", path(id, "/check")).status, 403);
}

TEST_F(AgentRoutes, RegenerateKillsTheOldKeyAtOnce) {
  const auto created = create({{"name", "eu"}, {"region", "eu-1"}});
  const std::string old_key(created.at("key").as_string());
  const auto id = created.at("agent").at("id").as_int64();
  EXPECT_EQ(agentCall(old_key, "GET", "/api/agent/config?wait=0").status, 200);
  auto regen = call("POST", path(id, "/regenerate-key"));
  ASSERT_EQ(regen.status, 200) << regen.body;
  const std::string new_key(regen.json().at("key").as_string());
  EXPECT_NE(new_key, old_key);
  EXPECT_NE(std::string(regen.json().at("install_script").as_string()).find(new_key),
            std::string::npos);
  EXPECT_EQ(agentCall(old_key, "GET", "/api/agent/config?wait=0").status, 401);
  EXPECT_EQ(agentCall(new_key, "GET", "/api/agent/config?wait=0").status, 200);
  // A disabled agent's key is refused too.
  ASSERT_EQ(call("PUT", path(id), json::object{{"enabled", false}}).status, 200);
  EXPECT_EQ(agentCall(new_key, "GET", "/api/agent/config?wait=0").status, 401);
}

TEST_F(AgentRoutes, InstallScriptReadsTheKeyFromTheEnvironment) {
  const auto created = create({{"name", "eu"}, {"region", "eu-1"}});
  const std::string key(created.at("key").as_string());
  const auto id = created.at("agent").at("id").as_int64();
  auto r = gw.request("GET", path(id, "/install-script"), {},
                      {{"Authorization", "Bearer " + token},
                       {"X-Forwarded-Proto", "https"},
                       {"Host", "cp.example.com"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.header("content-type").starts_with("text/plain"));
  EXPECT_TRUE(r.body.starts_with("#!/bin/sh\n"));
  EXPECT_NE(r.body.find("AGENT_KEY=\"${AGENT_KEY:?"), std::string::npos);
  EXPECT_EQ(r.body.find(key), std::string::npos);
  EXPECT_NE(r.body.find("CONTROL_PLANE_URL='https://cp.example.com'"), std::string::npos);
  EXPECT_NE(r.body.find("/api/agent/binary"), std::string::npos);

  const auto pk = create({{"name", "pk"}, {"region", "us-1"}, {"kind", "portkey"}});
  auto pks = call("GET", path(pk.at("agent").at("id").as_int64(), "/install-script"));
  EXPECT_NE(pks.body.find("portkeyai/gateway:latest"), std::string::npos);
}

TEST(AgentRoutesPublicUrl, ScriptsUsePublicUrl) {
  TestGateway gw(std::map<std::string, std::string>{{"PUBLIC_URL", "https://gw.example.com/"}});
  const auto token = gw.registerAdmin();
  auto r = gw.authed(token, "POST", kBase, R"({"name":"eu","region":"eu-1"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_NE(std::string(r.json().at("install_script").as_string())
                .find("CONTROL_PLANE_URL='https://gw.example.com'"),
            std::string::npos);
}

TEST_F(AgentRoutes, CheckProbesTheEndpoint) {
  const std::string self = "http://127.0.0.1:" + std::to_string(gw.port());
  const auto up = create({{"name", "self"}, {"region", "r"}, {"endpoint", self}})
                      .at("agent")
                      .at("id")
                      .as_int64();
  auto ok = call("POST", path(up, "/check"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(keysOf(ok.json()), (std::set<std::string>{"ok", "latency_ms", "status", "error"}));
  EXPECT_EQ(ok.json().at("ok"), json::value(true));
  EXPECT_EQ(ok.json().at("status"), json::value(200));
  EXPECT_TRUE(ok.json().at("latency_ms").is_number());
  EXPECT_TRUE(ok.json().at("error").is_null());
  auto seen = call("GET", path(up));
  EXPECT_EQ(seen.json().at("status"), json::value("online"));
  EXPECT_TRUE(seen.json().at("latency_ms").is_number());

  MockLlm mock;  // no /healthz: answers 404
  const auto nf = create({{"name", "mock"}, {"region", "r"}, {"endpoint", mock.baseUrl()}})
                      .at("agent")
                      .at("id")
                      .as_int64();
  auto bad = call("POST", path(nf, "/check"));
  EXPECT_EQ(bad.json().at("ok"), json::value(false));
  EXPECT_EQ(bad.json().at("status"), json::value(404));
  EXPECT_TRUE(bad.json().at("error").is_string());

  const auto refused =
      create({{"name", "refused"}, {"region", "r"}, {"endpoint", "http://127.0.0.1:9"}})
          .at("agent")
          .at("id")
          .as_int64();
  auto down = call("POST", path(refused, "/check"));
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.json().at("ok"), json::value(false));
  EXPECT_TRUE(down.json().at("status").is_null());
  EXPECT_TRUE(down.json().at("error").is_string());
  EXPECT_EQ(call("GET", path(refused)).json().at("status"), json::value("unknown"));

  const auto none = create({{"name", "none"}, {"region", "r"}}).at("agent").at("id").as_int64();
  EXPECT_EQ(call("POST", path(none, "/check")).json().at("ok"), json::value(false));
}

TEST_F(AgentRoutes, ConfigLongPollAnswers304WhenUnchangedAnd200SoonAfterAChange) {
  const auto created =
      create({{"name", "eu"}, {"region", "eu-1"}, {"rules", {{"models", json::array{"gpt-*"}}}}});
  const std::string key(created.at("key").as_string());
  auto first = agentCall(key, "GET", "/api/agent/config?version=0&wait=0");
  ASSERT_EQ(first.status, 200) << first.body;
  const json::value first_doc = first.json();
  const auto version = first_doc.at("version").as_int64();
  const auto& doc = first_doc.at("document").as_object();
  for (const char* section : {"providers", "models", "keys", "routing_configs", "agents"}) {
    EXPECT_TRUE(doc.at(section).is_array()) << section;
  }
  EXPECT_EQ(doc.at("agents").at(0).at("name"), json::value("eu"));
  EXPECT_EQ(doc.at("agents").at(0).at("rules").at("models"), json::parse(R"(["gpt-*"])"));
  EXPECT_EQ(doc.at("hash").as_string().size(), 64U);

  const auto v = std::to_string(version);
  auto unchanged = agentCall(key, "GET", "/api/agent/config?version=" + v + "&wait=1");
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_TRUE(unchanged.body.empty());

  // A change made while the poll waits answers it within well under its 10 s wait.
  std::thread change([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    call("POST", kBase, json::object{{"name", "us"}, {"region", "us-1"}});
  });
  const auto started = std::chrono::steady_clock::now();
  auto changed = agentCall(key, "GET", "/api/agent/config?version=" + v + "&wait=10");
  const auto took = std::chrono::steady_clock::now() - started;
  change.join();
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_GT(changed.json().at("version").as_int64(), version);
  EXPECT_EQ(changed.json().at("document").at("agents").as_array().size(), 2U);
  EXPECT_LT(took, std::chrono::seconds(2));

  EXPECT_EQ(agentCall(key, "GET", "/api/agent/config?version=x").status, 400);
}

TEST_F(AgentRoutes, HeartbeatMakesTheAgentOnline) {
  const auto created = create({{"name", "eu"}, {"region", "eu-1"}});
  const std::string key(created.at("key").as_string());
  const auto id = created.at("agent").at("id").as_int64();
  const auto latest = configVersion(key);
  auto beat = agentCall(key, "POST", "/api/agent/heartbeat",
                        json::parse(R"({"agent_version":"0.1.0","config_version":7,
                          "uptime_s":60,"inflight":1,"requests":10,"errors":2,"status":"ok"})"));
  ASSERT_EQ(beat.status, 200) << beat.body;
  EXPECT_EQ(beat.json().at("config_version").as_int64(), latest);
  auto got = call("GET", path(id));
  EXPECT_EQ(got.json().at("status"), json::value("online"));
  EXPECT_EQ(got.json().at("agent_version"), json::value("0.1.0"));
  EXPECT_EQ(got.json().at("config_version"), json::value(7));
  EXPECT_EQ(got.json().at("remote_addr"), json::value("127.0.0.1"));
  EXPECT_EQ(got.json().at("stats").at("requests"), json::value(10));
  EXPECT_EQ(got.json().at("stats").at("uptime_s"), json::value(60));
  EXPECT_TRUE(got.json().at("last_seen_at").is_string());

  auto bad = agentCall(key, "POST", "/api/agent/heartbeat", json::parse(R"({"uptime_s":-1})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(detailPaths(bad), (std::set<std::string>{"uptime_s"}));
}

TEST_F(AgentRoutes, UsageRowsLandInTheLogsWithTheAgentName) {
  const auto created = create({{"name", "eu-west"}, {"region", "eu-1"}});
  const std::string key(created.at("key").as_string());
  auto r = agentCall(key, "POST", "/api/agent/usage", json::parse(R"({"rows":[
      {"time":"2026-04-01T10:00:00.123Z","request_id":"r1","model":"gpt-4o","status":200,
       "latency_ms":120,"prompt_tokens":10,"completion_tokens":5,"cost_usd":0.001,
       "provider_name":"openai-eu","stream":false,"error":null,"key_id":null},
      {"time":"2026-04-01T10:00:01Z","model":"claude","status":502,"error":"upstream"}]})"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json().at("accepted"), json::value(2));

  auto logs = call("GET", "/api/admin/logs?agent=eu-west");
  ASSERT_EQ(logs.status, 200) << logs.body;
  EXPECT_EQ(logs.json().at("total").as_int64(), 2);
  const json::value logs_doc = logs.json();
  const auto& rows = logs_doc.at("data").as_array();
  EXPECT_EQ(rows.at(0).at("agent"), json::value("eu-west"));
  EXPECT_EQ(rows.at(1).at("model"), json::value("gpt-4o"));
  EXPECT_EQ(rows.at(1).at("prompt_tokens"), json::value(10));

  auto bad = agentCall(key, "POST", "/api/agent/usage",
                       json::parse(R"({"rows":[{"time":"x","model":"m","status":99},7]})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(detailPaths(bad), (std::set<std::string>{"rows[0].time", "rows[0].status", "rows[1]"}));
  json::array many;
  for (int i = 0; i < 1001; ++i) {
    many.push_back(json::object{{"time", "2026-04-01T10:00:00Z"}, {"model", "m"}, {"status", 200}});
  }
  EXPECT_EQ(agentCall(key, "POST", "/api/agent/usage", json::object{{"rows", many}}).status, 400);
  EXPECT_EQ(call("GET", "/api/admin/logs?agent=eu-west").json().at("total").as_int64(), 2);
}

TEST_F(AgentRoutes, AgentApiRefusesBadKeysAndJwtsAndAgentKeysCannotAdminister) {
  const auto created = create({{"name", "eu"}, {"region", "eu-1"}});
  const std::string key(created.at("key").as_string());
  for (const std::string& bad : {std::string("agk-nope"), token, std::string()}) {
    EXPECT_EQ(agentCall(bad, "GET", "/api/agent/config?wait=0").status, 401) << bad;
    EXPECT_EQ(agentCall(bad, "POST", "/api/agent/heartbeat", json::object{}).status, 401);
    EXPECT_EQ(
        agentCall(bad, "POST", "/api/agent/usage", json::object{{"rows", json::array{}}}).status,
        401);
    EXPECT_EQ(agentCall(bad, "GET", "/api/agent/binary").status, 401);
  }
  EXPECT_EQ(gw.request("GET", "/api/agent/config").status, 401);
  EXPECT_EQ(agentCall(key, "GET", kBase).status, 401);
  EXPECT_EQ(agentCall(key, "GET", "/api/admin/providers").status, 401);
}

TEST_F(AgentRoutes, BinaryIsTheRunningExecutable) {
  const std::string key(create({{"name", "eu"}, {"region", "eu-1"}}).at("key").as_string());
  auto r = agentCall(key, "GET", "/api/agent/binary");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/octet-stream");
  EXPECT_EQ(r.body.size(), std::filesystem::file_size("/proc/self/exe"));
  EXPECT_TRUE(
      r.body.starts_with("\x7f"
                         "ELF"));
}

}  // namespace
}  // namespace gw::test
