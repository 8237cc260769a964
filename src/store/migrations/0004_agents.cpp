#include "store/migrations/migrations.hpp"

namespace gw::store {

// Remote agents (DESIGN 5; owned by the agents control-plane work). An agent key is stored as
// its SHA-256 (key_hash) with a display prefix, like a virtual key. rules and stats are JSON
// text. The heartbeat columns are written by the agent API, never by admin updates.
// request_logs.agent names the agent that served a request (NULL: the control plane itself).
extern const std::string_view kMigration0004 = R"sql(
CREATE TABLE agents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  region TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'gateway',
  endpoint TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  rules TEXT NOT NULL DEFAULT '{}',
  priority INTEGER NOT NULL DEFAULT 0,
  key_hash TEXT NOT NULL UNIQUE,
  key_prefix TEXT NOT NULL,
  last_seen_at TEXT,
  latency_ms REAL,
  agent_version TEXT,
  config_version INTEGER,
  remote_addr TEXT,
  stats TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agents_region ON agents(region);

ALTER TABLE request_logs ADD COLUMN agent TEXT;
CREATE INDEX request_logs_agent_ts ON request_logs(agent, ts_ms);
)sql";

}  // namespace gw::store
