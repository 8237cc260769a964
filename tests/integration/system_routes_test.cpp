// Integration tests of the system routes: snapshot status, the built-in engine, settings.

#include <gtest/gtest.h>

#include <set>

#include "integration/test_support.hpp"

namespace gw::test {
namespace {

class SystemRoutes : public ::testing::Test {
protected:
  HttpResponse call(const std::string& method, const std::string& path,
                    const json::value& body = nullptr) {
    return gw.authed(token, method, path, body.is_null() ? std::string() : json::serialize(body));
  }
  std::string viewerToken() {
    EXPECT_EQ(call("POST", "/api/admin/users",
                   json::object{{"username", "viewer"}, {"password", "password123"},
                                {"role", "viewer"}})
                  .status,
              201);
    auto login = gw.request("POST", "/api/auth/login",
                            R"({"username":"viewer","password":"password123"})");
    return std::string(login.json().at("token").as_string());
  }

  TestGateway gw;
  std::string token = gw.registerAdmin();
};

std::set<std::string> keysOf(const json::value& v) {
  std::set<std::string> out;
  for (const auto& [k, _] : v.as_object()) {
    out.insert(std::string(k));
  }
  return out;
}

std::set<std::string> detailPaths(const HttpResponse& r) {
  std::set<std::string> out;
  const json::value r_doc = r.json();
  if (const auto* details = r_doc.at("error").as_object().if_contains("details")) {
    for (const auto& d : details->as_array()) {
      out.insert(std::string(d.at("path").as_string()));
    }
  }
  return out;
}

const std::set<std::string> kCounts = {"providers", "models", "virtual_keys", "routing_configs"};

TEST_F(SystemRoutes, RegenerateBumpsTheVersion) {
  auto before = call("GET", "/api/admin/config/status");
  ASSERT_EQ(before.status, 200) << before.body;
  auto regen = call("POST", "/api/admin/config/regenerate");
  ASSERT_EQ(regen.status, 200) << regen.body;
  EXPECT_EQ(keysOf(regen.json()), (std::set<std::string>{"version", "hash", "built_at"}));
  EXPECT_EQ(regen.json().at("version").as_int64(), before.json().at("version").as_int64() + 1);
  // Same content, same hash.
  EXPECT_EQ(regen.json().at("hash"), before.json().at("hash"));
  EXPECT_EQ(regen.json().at("hash").as_string().size(), 64u);

  auto after = call("GET", "/api/admin/config/status");
  EXPECT_EQ(after.json().at("version"), regen.json().at("version"));
}

TEST_F(SystemRoutes, ConfigStatusCounts) {
  auto r = call("GET", "/api/admin/config/status");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(keysOf(r.json()), (std::set<std::string>{"version", "hash", "built_at", "counts"}));
  EXPECT_EQ(keysOf(r.json().at("counts")), kCounts);
  for (const auto& name : kCounts) {
    EXPECT_EQ(r.json().at("counts").at(name).as_int64(), 0) << name;
  }
  ASSERT_EQ(call("POST", "/api/admin/virtual-keys", json::object{{"name", "k"}}).status, 201);
  auto after = call("GET", "/api/admin/config/status");
  EXPECT_EQ(after.json().at("counts").at("virtual_keys").as_int64(), 1);
  EXPECT_NE(after.json().at("hash"), r.json().at("hash"));
}

TEST_F(SystemRoutes, BuiltInEngine) {
  auto status = call("GET", "/api/admin/docker/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(keysOf(status.json()),
            (std::set<std::string>{"running", "engine", "version", "uptime_seconds"}));
  EXPECT_TRUE(status.json().at("running").as_bool());
  EXPECT_EQ(status.json().at("engine"), json::value("built-in"));
  EXPECT_GE(status.json().at("uptime_seconds").as_int64(), 0);

  auto start = call("POST", "/api/admin/docker/start");
  ASSERT_EQ(start.status, 200);
  EXPECT_TRUE(start.json().at("running").as_bool());

  auto stop = call("POST", "/api/admin/docker/stop");
  EXPECT_EQ(stop.status, 409);
  EXPECT_NE(std::string(stop.json().at("error").at("message").as_string()).find("built into"),
            std::string::npos);
  EXPECT_EQ(call("GET", "/api/admin/docker/status").status, 200);  // still running

  const auto viewer = viewerToken();
  EXPECT_EQ(gw.authed(viewer, "GET", "/api/admin/docker/status").status, 200);
  EXPECT_EQ(gw.authed(viewer, "POST", "/api/admin/docker/stop").status, 403);
  EXPECT_EQ(gw.authed(viewer, "POST", "/api/admin/config/regenerate").status, 403);
}

TEST_F(SystemRoutes, SystemStatus) {
  auto r = call("GET", "/api/admin/system/status");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(keysOf(r.json()),
            (std::set<std::string>{"version", "uptime_seconds", "snapshot_version",
                                   "db_size_bytes", "counts", "log_queue"}));
  EXPECT_TRUE(r.json().at("version").is_string());
  EXPECT_GT(r.json().at("db_size_bytes").as_int64(), 0);
  EXPECT_GE(r.json().at("snapshot_version").as_int64(), 1);
  EXPECT_EQ(keysOf(r.json().at("counts")), kCounts);
  EXPECT_EQ(keysOf(r.json().at("log_queue")),
            (std::set<std::string>{"written", "dropped", "failed"}));
  EXPECT_EQ(gw.request("GET", "/api/admin/system/status").status, 401);
}

TEST_F(SystemRoutes, SettingsReadAndWrite) {
  auto initial = call("GET", "/api/admin/settings");
  ASSERT_EQ(initial.status, 200);
  EXPECT_EQ(initial.json(), json::parse(R"({"log_retention_days":30,"log_prompts":false})"));

  auto put = call("PUT", "/api/admin/settings", json::object{{"log_retention_days", 7}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json(), json::parse(R"({"log_retention_days":7,"log_prompts":false})"));
  auto prompts = call("PUT", "/api/admin/settings", json::object{{"log_prompts", true}});
  EXPECT_EQ(prompts.json(), json::parse(R"({"log_retention_days":7,"log_prompts":true})"));
  EXPECT_EQ(call("GET", "/api/admin/settings").json(), prompts.json());

  struct Bad {
    json::object body;
    const char* path;
  };
  const Bad bad[] = {
      {{{"log_retention_days", 0}}, "log_retention_days"},
      {{{"log_retention_days", 3651}}, "log_retention_days"},
      {{{"log_retention_days", "30"}}, "log_retention_days"},
      {{{"log_retention_days", 1.5}}, "log_retention_days"},
      {{{"log_retention_days", nullptr}}, "log_retention_days"},
      {{{"log_prompts", "yes"}}, "log_prompts"},
      {{{"log_prompts", nullptr}}, "log_prompts"},
  };
  for (const auto& b : bad) {
    auto r = call("PUT", "/api/admin/settings", b.body);
    EXPECT_EQ(r.status, 400) << json::serialize(b.body);
    EXPECT_EQ(detailPaths(r), std::set<std::string>{b.path}) << r.body;
  }
  EXPECT_EQ(gw.authed(token, "PUT", "/api/admin/settings", "[1]").status, 400);
  EXPECT_EQ(call("GET", "/api/admin/settings").json(), prompts.json());

  const auto viewer = viewerToken();
  EXPECT_EQ(gw.authed(viewer, "GET", "/api/admin/settings").status, 200);
  EXPECT_EQ(gw.authed(viewer, "PUT", "/api/admin/settings", R"({"log_prompts":false})").status,
            403);
}

}  // namespace
}  // namespace gw::test
