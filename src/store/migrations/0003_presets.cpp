#include "store/migrations/migrations.hpp"

namespace gw::store {

// LiteLLM model presets and the state of their synchronisation (owned by the presets work).
// Prices are USD per million tokens. preset_sync has exactly one row.
extern const std::string_view kMigration0003 = R"sql(
CREATE TABLE presets (
  name TEXT PRIMARY KEY,
  provider TEXT NOT NULL DEFAULT '',
  mode TEXT NOT NULL DEFAULT '',
  max_input_tokens INTEGER,
  max_output_tokens INTEGER,
  input_price REAL,
  output_price REAL,
  cached_input_price REAL,
  supports_tools INTEGER NOT NULL DEFAULT 0,
  supports_vision INTEGER NOT NULL DEFAULT 0,
  supports_json_mode INTEGER NOT NULL DEFAULT 0,
  supports_reasoning INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX presets_provider ON presets(provider);

CREATE TABLE preset_sync (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  source TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  last_sync_at TEXT,
  last_success_at TEXT,
  updated_at TEXT,
  last_result TEXT NOT NULL DEFAULT 'never',
  last_error TEXT NOT NULL DEFAULT ''
);
INSERT INTO preset_sync (id) VALUES (1);
)sql";

}  // namespace gw::store
