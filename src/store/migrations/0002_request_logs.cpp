#include "store/migrations/migrations.hpp"

namespace gw::store {

// Request logs (owned by the governance/observe work). One row per request, written in batches
// by the usage log writer. Times are Unix milliseconds (ts_ms) so range filters and hour/day
// buckets are integer arithmetic. key_id and provider_id carry no foreign key: logs outlive
// deleted keys and providers, and keep their names as they were.
extern const std::string_view kMigration0002 = R"sql(
CREATE TABLE request_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms INTEGER NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  key_id INTEGER,
  key_name TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  provider_id INTEGER,
  provider_name TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL DEFAULT 0,
  ttfb_ms INTEGER,
  overhead_ms REAL,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  cached_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 1,
  route_path TEXT NOT NULL DEFAULT '',
  stream INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  prompt TEXT
);
CREATE INDEX request_logs_ts ON request_logs(ts_ms);
CREATE INDEX request_logs_key_ts ON request_logs(key_id, ts_ms);
CREATE INDEX request_logs_model_ts ON request_logs(model, ts_ms);
CREATE INDEX request_logs_provider_ts ON request_logs(provider_id, ts_ms);
)sql";

}  // namespace gw::store
