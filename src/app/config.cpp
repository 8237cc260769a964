#include "app/config.hpp"

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/settings.hpp"

extern char** environ;

namespace gw::app {

namespace {

using settings::parseWhole;

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) {
    return {};
  }
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::map<std::string, std::string> processEnvironment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string_view::npos) {
      out.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  return out;
}

std::chrono::milliseconds parseMillis(const std::string& name, const std::string& value) {
  return std::chrono::milliseconds(parseWhole<long long>(name, value, 1, 86'400'000LL));
}

bool parseBool(const std::string& name, const std::string& value) {
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  throw std::invalid_argument(name + ": must be true or false, got \"" + value + "\"");
}

void apply(Config& c, const std::string& name, const std::string& v) {
  if (name == "PORT") c.port = parseWhole<unsigned short>(name, v, 0, 65535);
  else if (name == "HOST") c.host = v;
  else if (name == "THREADS") c.threads = parseWhole<unsigned>(name, v, 0, 256);
  else if (name == "BLOCKING_THREADS") c.blocking_threads = parseWhole<unsigned>(name, v, 1, 64);
  else if (name == "NODE_ENV" || name == "GATEWAY_ENV") {
    if (v != "development" && v != "production" && v != "test") {
      throw std::invalid_argument(name + ": must be development or production, got \"" + v + "\"");
    }
    c.env = v;
  } else if (name == "DB_PATH") c.db_path = v;
  else if (name == "DATABASE_URL") c.database_url = v;
  else if (name == "REDIS_URL") c.redis_url = v;
  else if (name == "LOG_LEVEL") c.log_level = v;
  else if (name == "JWT_SECRET") c.jwt_secret = v;
  else if (name == "JWT_TTL_SECONDS")
    c.jwt_ttl = std::chrono::seconds(parseWhole<long long>(name, v, 60, 365LL * 86400));
  else if (name == "SECRET_KEY") c.secret_key = v;
  else if (name == "WEB_DIR") c.web_dir = v;
  else if (name == "PUBLIC_URL") {
    if (!v.empty() && !v.starts_with("http://") && !v.starts_with("https://")) {
      throw std::invalid_argument(name + ": must be an http:// or https:// URL, got \"" + v + "\"");
    }
    c.public_url = v;
  }
  else if (name == "LITELLM_PRESETS_URL") c.litellm_presets_url = v;
  else if (name == "PRESETS_AUTO_SYNC") c.presets_auto_sync = parseBool(name, v);
  else if (name == "MAX_BODY_BYTES")
    c.max_body_bytes = parseWhole<std::size_t>(name, v, 1024, std::size_t{1} << 30);
  else if (name == "MAX_HEADER_BYTES")
    c.max_header_bytes = parseWhole<std::size_t>(name, v, 1024, 1024 * 1024);
  else if (name == "HEADER_TIMEOUT_MS") c.header_timeout = parseMillis(name, v);
  else if (name == "BODY_TIMEOUT_MS") c.body_timeout = parseMillis(name, v);
  else if (name == "IDLE_TIMEOUT_MS") c.idle_timeout = parseMillis(name, v);
  else if (name == "SHUTDOWN_GRACE_MS") c.shutdown_grace = parseMillis(name, v);
  else if (name == "UPSTREAM_CONNECT_TIMEOUT_MS") c.upstream_connect_timeout = parseMillis(name, v);
  else if (name == "UPSTREAM_FIRST_BYTE_TIMEOUT_MS")
    c.upstream_first_byte_timeout = parseMillis(name, v);
  else if (name == "UPSTREAM_IDLE_TIMEOUT_MS") c.upstream_idle_timeout = parseMillis(name, v);
  else if (name == "REQUEST_DEADLINE_MS") c.request_deadline = parseMillis(name, v);
  else if (name == "HTTPS_PROXY" || name == "https_proxy") c.https_proxy = v;
  else if (name == "METRICS_TOKEN") c.metrics_token = v;
  else if (name == "LOG_RETENTION_DAYS") c.log_retention_days = parseWhole<int>(name, v, 1, 3650);
  else if (name == "EXTRA_CA_FILE") c.extra_ca_file = v;
}

constexpr const char* kKnown[] = {
    "PORT", "HOST", "THREADS", "BLOCKING_THREADS", "NODE_ENV", "GATEWAY_ENV", "DB_PATH",
    "DATABASE_URL", "REDIS_URL", "LOG_LEVEL", "JWT_SECRET", "JWT_TTL_SECONDS", "SECRET_KEY",
    "WEB_DIR", "LITELLM_PRESETS_URL", "PRESETS_AUTO_SYNC", "MAX_BODY_BYTES", "MAX_HEADER_BYTES",
    "HEADER_TIMEOUT_MS", "BODY_TIMEOUT_MS", "IDLE_TIMEOUT_MS", "SHUTDOWN_GRACE_MS",
    "UPSTREAM_CONNECT_TIMEOUT_MS", "UPSTREAM_FIRST_BYTE_TIMEOUT_MS", "UPSTREAM_IDLE_TIMEOUT_MS",
    "REQUEST_DEADLINE_MS", "https_proxy", "HTTPS_PROXY", "METRICS_TOKEN", "LOG_RETENTION_DAYS",
    "EXTRA_CA_FILE", "PUBLIC_URL"};

/// Applies one source's known settings in kKnown order, so that within a source an alias
/// listed later wins (GATEWAY_ENV over NODE_ENV, HTTPS_PROXY over https_proxy).
void applySource(Config& c, const std::map<std::string, std::string>& source) {
  for (const char* name : kKnown) {
    if (auto it = source.find(name); it != source.end()) {
      apply(c, name, it->second);
    }
  }
}

bool validKey(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  for (char ch : key) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::map<std::string, std::string> parseDotEnv(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (line.rfind("export ", 0) == 0) {
      line = trim(line.substr(7));
    }
    const std::string where = ".env line " + std::to_string(number) + ": ";
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::invalid_argument(where + "expected KEY=VALUE");
    }
    std::string key = trim(line.substr(0, eq));
    if (!validKey(key)) {
      throw std::invalid_argument(where + "\"" + key + "\" is not a valid name");
    }
    std::string value = trim(line.substr(eq + 1));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      // A quoted value ends at its closing quote; only a comment may follow it.
      const auto close = value.find(value.front(), 1);
      if (close == std::string::npos) {
        throw std::invalid_argument(where + "unterminated quote");
      }
      const std::string rest = trim(value.substr(close + 1));
      if (!rest.empty() && rest.front() != '#') {
        throw std::invalid_argument(where + "unexpected text after the closing quote");
      }
      value = value.substr(1, close - 1);
    } else if (const auto hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));
    } else if (!value.empty() && value.front() == '#') {
      value.clear();  // KEY=#comment: an empty value
    }
    out[key] = value;
  }
  return out;
}

Config loadConfig(const std::vector<std::string>& args, const std::string& dotenv_path,
                  const std::map<std::string, std::string>* environment) {
  Config c;
  // Each source is applied whole before the next, so a later source always wins, aliases
  // included (GATEWAY_ENV in the environment beats NODE_ENV in .env).
  if (std::ifstream f(dotenv_path); f) {
    std::stringstream ss;
    ss << f.rdbuf();
    applySource(c, parseDotEnv(ss.str()));
  }
  applySource(c, environment ? *environment : processEnvironment());

  static constexpr settings::Flag kFlags[] = {
      {"--port,-p", "PORT", "listen port (0 = any free port)"},
      {"--host", "HOST", "listen address"},
      {"--threads", "THREADS", "event-loop threads (0 = one per core)"},
      {"--db-path", "DB_PATH", "SQLite database file"},
      {"--log-level", "LOG_LEVEL", "trace|debug|info|warn|error"},
      {"--web-dir", "WEB_DIR", "directory of the built web UI"},
      {"--env", "GATEWAY_ENV", "development|production"},
      {"--max-body-bytes", "MAX_BODY_BYTES", "request body limit"},
      {"--shutdown-grace-ms", "SHUTDOWN_GRACE_MS", "grace period for in-flight requests"},
      {"--presets-url", "LITELLM_PRESETS_URL", "LiteLLM presets URL"}};
  const auto flags = settings::parseFlags("serve", args, kFlags);
  applySource(c, flags);
  validateConfig(c);
  return c;
}

void validateConfig(const Config& c) {
  if (c.production()) {
    if (c.jwt_secret.empty()) {
      throw std::invalid_argument("JWT_SECRET: required in production");
    }
    if (c.jwt_secret == kExampleJwtSecret) {
      throw std::invalid_argument("JWT_SECRET: the example value must not be used in production");
    }
    if (c.jwt_secret.size() < 32) {
      throw std::invalid_argument("JWT_SECRET: must be at least 32 characters in production");
    }
    if (c.secret_key.size() < 32) {
      throw std::invalid_argument("SECRET_KEY: must be at least 32 characters in production");
    }
  }
  settings::checkLogLevel(c.log_level);
  if (!c.database_url.empty() && c.database_url.rfind("postgres", 0) != 0) {
    throw std::invalid_argument("DATABASE_URL: must start with postgres:// or postgresql://");
  }
}

}  // namespace gw::app
