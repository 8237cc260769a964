#pragma once

#include "core/json.hpp"
#include "observe/request_log_sink.hpp"

namespace gw::agents {

/// One usage row as POST /api/agent/usage carries it, with the field names of the admin log
/// API (GET /api/admin/logs) minus "id": {"time" (RFC 3339 UTC with milliseconds),
/// "request_id", "key_id", "key_name", "model", "provider_id", "provider_name", "status",
/// "latency_ms", "ttfb_ms", "overhead_ms", "prompt_tokens", "completion_tokens",
/// "cached_tokens", "cost_usd", "attempts", "route_path", "stream", "error", "prompt"}.
/// Absent optionals are null; an empty error is null.
json::object usageRowToJson(const observe::UsageRecord& record);

}  // namespace gw::agents
