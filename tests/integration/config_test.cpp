// Unit tests of app/config (parseDotEnv, loadConfig, validateConfig). They live in the
// integration binary because it is the one linking gw_app; they touch no network.

#include <gtest/gtest.h>

#include <fstream>

#include "app/config.hpp"
#include "integration/test_support.hpp"

namespace gw::app {
namespace {

using Env = std::map<std::string, std::string>;

class ConfigTest : public ::testing::Test {
protected:
  std::string dotenv(const std::string& text) {
    const auto p = (dir.path() / ".env").string();
    std::ofstream(p) << text;
    return p;
  }
  std::string noDotenv() const { return (dir.path() / "absent.env").string(); }

  /// The message of the std::invalid_argument loadConfig throws, or "" when it succeeds.
  std::string loadError(const std::vector<std::string>& args, const Env& env,
                        const std::string& dotenv_path = {}) {
    try {
      loadConfig(args, dotenv_path.empty() ? noDotenv() : dotenv_path, &env);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return {};
  }

  test::TempDir dir;
  const Env empty;
};

TEST_F(ConfigTest, DefaultsWithNothingSet) {
  const auto c = loadConfig({}, noDotenv(), &empty);
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 3000);
  EXPECT_EQ(c.env, "development");
  EXPECT_FALSE(c.production());
  EXPECT_EQ(c.db_path, "./data/gateway.db");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.web_dir, "web/dist");
  EXPECT_EQ(c.max_body_bytes, 20u * 1024 * 1024);
  EXPECT_EQ(c.jwt_ttl, std::chrono::hours(24));
  EXPECT_TRUE(c.presets_auto_sync);
}

TEST_F(ConfigTest, DotEnvSyntax) {
  const auto vars = parseDotEnv(
      "# a comment\n"
      "\n"
      "PORT=8080\n"
      "  HOST = 127.0.0.1  \n"
      "export DB_PATH=/var/lib/gw.db\n"
      "JWT_SECRET=\"quoted # not a comment\"\n"
      "SECRET_KEY='single quoted'\n"
      "LOG_LEVEL=debug # trailing comment\n"
      "WEB_DIR=\"with comment after\"   # note\n"
      "EMPTY=\n"
      "REDIS_URL= # nothing but a comment\n"
      "URL=http://x/?a=b#frag\n"
      "WINDOWS=crlf\r\n");
  const Env expected = {{"PORT", "8080"},
                        {"HOST", "127.0.0.1"},
                        {"DB_PATH", "/var/lib/gw.db"},
                        {"JWT_SECRET", "quoted # not a comment"},
                        {"SECRET_KEY", "single quoted"},
                        {"LOG_LEVEL", "debug"},
                        {"WEB_DIR", "with comment after"},
                        {"EMPTY", ""},
                        {"REDIS_URL", ""},
                        {"URL", "http://x/?a=b#frag"},
                        {"WINDOWS", "crlf"}};
  EXPECT_EQ(vars, expected);
}

TEST_F(ConfigTest, MalformedDotEnvLinesNameTheLine) {
  for (const auto& [text, line] : std::vector<std::pair<std::string, std::string>>{
           {"PORT=1\nJUST_A_WORD\n", "line 2"},
           {"=value\n", "line 1"},
           {"A=1\nB=2\nBAD NAME=3\n", "line 3"},
           {"X=\"unterminated\n", "line 1"},
           {"X=\"a\" b\n", "line 1"}}) {
    try {
      parseDotEnv(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(line), std::string::npos) << e.what();
    }
  }
}

TEST_F(ConfigTest, EnvironmentOverridesDotEnvAndFlagsOverrideBoth) {
  const auto path = dotenv("PORT=1111\nHOST=10.0.0.1\nLOG_LEVEL=debug\nWEB_DIR=/from/dotenv\n");
  const Env env = {{"PORT", "2222"}, {"HOST", "10.0.0.2"}};
  auto c = loadConfig({}, path, &env);
  EXPECT_EQ(c.port, 2222);
  EXPECT_EQ(c.host, "10.0.0.2");
  EXPECT_EQ(c.log_level, "debug");  // only in .env
  EXPECT_EQ(c.web_dir, "/from/dotenv");
  c = loadConfig({"--port", "3333", "--web-dir", "/from/flag"}, path, &env);
  EXPECT_EQ(c.port, 3333);
  EXPECT_EQ(c.host, "10.0.0.2");
  EXPECT_EQ(c.web_dir, "/from/flag");
  c = loadConfig({"-p", "0", "--host=::1"}, path, &env);
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.host, "::1");
}

TEST_F(ConfigTest, EveryFlag) {
  const auto c = loadConfig({"--port", "9", "--host", "1.2.3.4", "--threads", "3", "--db-path",
                             "/tmp/x.db", "--log-level", "warn", "--web-dir", "/w", "--env",
                             "development", "--max-body-bytes", "4096", "--shutdown-grace-ms",
                             "250", "--presets-url", "http://presets/x.json"},
                            noDotenv(), &empty);
  EXPECT_EQ(c.port, 9);
  EXPECT_EQ(c.host, "1.2.3.4");
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.db_path, "/tmp/x.db");
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_EQ(c.web_dir, "/w");
  EXPECT_EQ(c.max_body_bytes, 4096u);
  EXPECT_EQ(c.shutdown_grace, std::chrono::milliseconds(250));
  EXPECT_EQ(c.litellm_presets_url, "http://presets/x.json");
}

TEST_F(ConfigTest, EnvironmentOnlySettings) {
  const Env env = {{"JWT_TTL_SECONDS", "3600"},       {"MAX_HEADER_BYTES", "8192"},
                   {"HEADER_TIMEOUT_MS", "1000"},      {"BODY_TIMEOUT_MS", "2000"},
                   {"IDLE_TIMEOUT_MS", "3000"},        {"UPSTREAM_CONNECT_TIMEOUT_MS", "400"},
                   {"UPSTREAM_FIRST_BYTE_TIMEOUT_MS", "500"},
                   {"UPSTREAM_IDLE_TIMEOUT_MS", "600"}, {"REQUEST_DEADLINE_MS", "700"},
                   {"BLOCKING_THREADS", "8"},          {"PRESETS_AUTO_SYNC", "off"},
                   {"HTTPS_PROXY", "http://proxy:3128"},
                   {"METRICS_TOKEN", "m-token"},       {"LOG_RETENTION_DAYS", "7"},
                   {"EXTRA_CA_FILE", "/ca.pem"},       {"REDIS_URL", "redis://r"},
                   {"DATABASE_URL", "postgresql://u@h/db"},
                   {"SECRET_KEY", "s"},                {"JWT_SECRET", "j"}};
  const auto c = loadConfig({}, noDotenv(), &env);
  EXPECT_EQ(c.jwt_ttl, std::chrono::seconds(3600));
  EXPECT_EQ(c.max_header_bytes, 8192u);
  EXPECT_EQ(c.header_timeout.count(), 1000);
  EXPECT_EQ(c.body_timeout.count(), 2000);
  EXPECT_EQ(c.idle_timeout.count(), 3000);
  EXPECT_EQ(c.upstream_connect_timeout.count(), 400);
  EXPECT_EQ(c.upstream_first_byte_timeout.count(), 500);
  EXPECT_EQ(c.upstream_idle_timeout.count(), 600);
  EXPECT_EQ(c.request_deadline.count(), 700);
  EXPECT_EQ(c.blocking_threads, 8u);
  EXPECT_FALSE(c.presets_auto_sync);
  EXPECT_EQ(c.https_proxy, "http://proxy:3128");
  EXPECT_EQ(c.metrics_token, "m-token");
  EXPECT_EQ(c.log_retention_days, 7);
  EXPECT_EQ(c.extra_ca_file, "/ca.pem");
  EXPECT_EQ(c.redis_url, "redis://r");
  EXPECT_EQ(c.database_url, "postgresql://u@h/db");
  EXPECT_EQ(c.secret_key, "s");
  EXPECT_EQ(c.jwt_secret, "j");
}

TEST_F(ConfigTest, EnvAliasInTheEnvironmentBeatsTheOtherAliasInDotEnv) {
  const auto path = dotenv("NODE_ENV=test\n");
  const Env env = {{"GATEWAY_ENV", "development"}};
  EXPECT_EQ(loadConfig({}, path, &env).env, "development");
  const Env both = {{"GATEWAY_ENV", "development"}, {"NODE_ENV", "test"}};
  EXPECT_EQ(loadConfig({}, noDotenv(), &both).env, "development");  // ours wins
  EXPECT_EQ(loadConfig({}, noDotenv(), &empty).env, "development");
  const Env node = {{"NODE_ENV", "test"}};
  EXPECT_EQ(loadConfig({}, noDotenv(), &node).env, "test");
}

TEST_F(ConfigTest, BadValuesNameTheSetting) {
  const std::vector<std::pair<Env, std::string>> cases = {
      {{{"PORT", "http"}}, "PORT"},
      {{{"PORT", "70000"}}, "PORT"},
      {{{"PORT", "-1"}}, "PORT"},
      {{{"PORT", "80 "}}, "PORT"},
      {{{"THREADS", "1000"}}, "THREADS"},
      {{{"MAX_BODY_BYTES", "10"}}, "MAX_BODY_BYTES"},
      {{{"IDLE_TIMEOUT_MS", "0"}}, "IDLE_TIMEOUT_MS"},
      {{{"PRESETS_AUTO_SYNC", "maybe"}}, "PRESETS_AUTO_SYNC"},
      {{{"GATEWAY_ENV", "staging"}}, "GATEWAY_ENV"},
      {{{"NODE_ENV", "prod"}}, "NODE_ENV"},
      {{{"LOG_LEVEL", "verbose"}}, "LOG_LEVEL"},
      {{{"DATABASE_URL", "mysql://x"}}, "DATABASE_URL"},
      {{{"JWT_TTL_SECONDS", "5"}}, "JWT_TTL_SECONDS"},
  };
  for (const auto& [env, name] : cases) {
    const auto msg = loadError({}, env);
    EXPECT_EQ(msg.rfind(name + ":", 0), 0u) << name << " -> \"" << msg << "\"";
  }
  EXPECT_EQ(loadError({"--port", "abc"}, empty).rfind("PORT:", 0), 0u);
  EXPECT_NE(loadError({"--no-such-flag"}, empty).find("command line"), std::string::npos);
  EXPECT_EQ(loadError({}, empty, dotenv("PORT=x\n")).rfind("PORT:", 0), 0u);
}

TEST_F(ConfigTest, ProductionRules) {
  const std::string good_jwt(32, 'j');
  const std::string good_key(32, 'k');
  auto prod = [&](std::optional<std::string> jwt, std::optional<std::string> key) {
    Env env = {{"NODE_ENV", "production"}};
    if (jwt) env["JWT_SECRET"] = *jwt;
    if (key) env["SECRET_KEY"] = *key;
    return loadError({}, env);
  };
  EXPECT_EQ(prod(good_jwt, good_key), "");
  EXPECT_EQ(prod(std::nullopt, good_key).rfind("JWT_SECRET:", 0), 0u);
  EXPECT_EQ(prod("", good_key).rfind("JWT_SECRET:", 0), 0u);
  EXPECT_EQ(prod(kExampleJwtSecret, good_key).rfind("JWT_SECRET:", 0), 0u);
  EXPECT_NE(prod(kExampleJwtSecret, good_key).find("example"), std::string::npos);
  EXPECT_EQ(prod(std::string(31, 'j'), good_key).rfind("JWT_SECRET:", 0), 0u);
  EXPECT_EQ(prod(good_jwt, std::nullopt).rfind("SECRET_KEY:", 0), 0u);
  EXPECT_EQ(prod(good_jwt, std::string(31, 'k')).rfind("SECRET_KEY:", 0), 0u);
  // The flag selects production too; development accepts anything.
  const Env secrets = {{"JWT_SECRET", "short"}};
  EXPECT_EQ(loadError({"--env", "production"}, secrets).rfind("JWT_SECRET:", 0), 0u);
  EXPECT_EQ(loadError({}, secrets), "");
}

TEST_F(ConfigTest, ValidateConfigDirectly) {
  Config c;
  EXPECT_NO_THROW(validateConfig(c));
  c.env = "production";
  EXPECT_THROW(validateConfig(c), std::invalid_argument);
  c.jwt_secret = std::string(40, 'x');
  c.secret_key = std::string(40, 'y');
  EXPECT_NO_THROW(validateConfig(c));
  c.log_level = "loud";
  EXPECT_THROW(validateConfig(c), std::invalid_argument);
}

}  // namespace
}  // namespace gw::app
