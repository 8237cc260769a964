#include "store/migrations/migrations.hpp"

namespace gw::store {

// Users, providers, models, virtual keys, routing configs and settings.
extern const std::string_view kMigration0001 = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  created_at TEXT NOT NULL
);

CREATE TABLE providers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  base_url TEXT NOT NULL DEFAULT '',
  api_key_sealed TEXT NOT NULL DEFAULT '',
  api_key_hint TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL DEFAULT '{}',
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  model_id TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  mode TEXT NOT NULL DEFAULT 'chat',
  context_window INTEGER,
  max_output_tokens INTEGER,
  input_price REAL,
  output_price REAL,
  cached_input_price REAL,
  capabilities TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (provider_id, name)
);
CREATE INDEX models_name ON models(name);

CREATE TABLE routing_configs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  virtual_model TEXT UNIQUE,
  enabled INTEGER NOT NULL DEFAULT 1,
  config TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE virtual_keys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  key_prefix TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  allowed_models TEXT NOT NULL DEFAULT '[]',
  provider_id INTEGER REFERENCES providers(id) ON DELETE SET NULL,
  routing_config_id INTEGER REFERENCES routing_configs(id) ON DELETE SET NULL,
  rpm_limit INTEGER,
  tpm_limit INTEGER,
  max_concurrency INTEGER,
  budget_usd REAL,
  budget_period TEXT,
  expires_at TEXT,
  allowed_ips TEXT NOT NULL DEFAULT '[]',
  allow_config_header INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

}  // namespace gw::store
