#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gw::app {

/// Every setting of the process, loaded once at start-up from `.env`, then the environment,
/// then command-line flags (each later source overrides the earlier), and validated.
struct Config {
  std::string host = "0.0.0.0";
  unsigned short port = 3000;
  unsigned threads = 0;  ///< event loops; 0 = one per core
  unsigned blocking_threads = 4;
  std::string env = "development";  ///< development | production
  std::string db_path = "./data/gateway.db";
  std::string database_url;  ///< postgres://... selects PostgreSQL (later)
  std::string redis_url;
  std::string log_level = "info";
  std::string jwt_secret;
  std::chrono::seconds jwt_ttl{24 * 3600};
  std::string secret_key;
  std::string web_dir = "web/dist";
  /// Base URL agents reach this control plane at (install scripts); empty = from the request.
  std::string public_url;
  std::string litellm_presets_url =
      "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";
  bool presets_auto_sync = true;
  std::size_t max_body_bytes = 20 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds header_timeout{30'000};
  std::chrono::milliseconds body_timeout{60'000};
  std::chrono::milliseconds idle_timeout{75'000};
  std::chrono::milliseconds shutdown_grace{15'000};
  std::chrono::milliseconds upstream_connect_timeout{10'000};
  std::chrono::milliseconds upstream_first_byte_timeout{120'000};
  std::chrono::milliseconds upstream_idle_timeout{120'000};
  std::chrono::milliseconds request_deadline{600'000};
  std::string https_proxy;
  std::string metrics_token;  ///< when set, /metrics requires `Authorization: Bearer <token>`
  int log_retention_days = 30;
  std::string extra_ca_file;  ///< additional CA bundle for upstream TLS (tests, private CAs)

  bool production() const { return env == "production"; }
};

/// The example JWT secret shipped in .env.example and the seed README; refused in production.
inline constexpr const char* kExampleJwtSecret = "your-secret-key-change-this-in-production";

/// Parses a .env file's text: KEY=VALUE lines, `#` comments, optional `export `, single or
/// double quotes. Throws std::invalid_argument naming the line on a malformed line.
std::map<std::string, std::string> parseDotEnv(const std::string& text);

/// Loads the configuration. `args` are the command-line flags after the sub-command, e.g.
/// {"--port", "0"}. `dotenv_path` may not exist. Throws std::invalid_argument with a message
/// naming the bad setting.
Config loadConfig(const std::vector<std::string>& args, const std::string& dotenv_path = ".env",
                  const std::map<std::string, std::string>* environment = nullptr);

/// Checks cross-field rules (production secrets, ranges). Throws std::invalid_argument.
void validateConfig(const Config& config);

}  // namespace gw::app
