#include "store/migrations/migrations.hpp"

namespace gw::store {

// Request logs keep two secondary indexes: ts_ms (listing order, time ranges, statistics,
// pruning) and (key_id, ts_ms) (budget seeding sums one key's spend since a date; the per-key
// log listing). Every proxied request inserts a row, and each index is one more B-tree to
// update: the model, provider and agent indexes cost about 40 % of an insert and served only
// the log listing's filters, which now scan by time (docs/performance.md).
extern const std::string_view kMigration0005 = R"sql(
DROP INDEX IF EXISTS request_logs_model_ts;
DROP INDEX IF EXISTS request_logs_provider_ts;
DROP INDEX IF EXISTS request_logs_agent_ts;
)sql";

}  // namespace gw::store
