#pragma once

#include "core/json.hpp"
#include "core/result.hpp"
#include "observe/request_log_sink.hpp"

namespace gw::agents {

/// One usage row as POST /api/agent/usage carries it, with the field names of the admin log
/// API (GET /api/admin/logs) minus "id": {"time" (RFC 3339 UTC with milliseconds),
/// "request_id", "key_id", "key_name", "model", "provider_id", "provider_name", "status",
/// "latency_ms", "ttfb_ms", "overhead_ms", "prompt_tokens", "completion_tokens",
/// "cached_tokens", "cost_usd", "attempts", "route_path", "stream", "error", "prompt"}.
/// Absent optionals are null; an empty error is null.
json::object usageRowToJson(const observe::UsageRecord& record);

/// The inverse of usageRowToJson, for the control plane. Strict on types of the fields that
/// are present; "time", "status" and "model" are required. ErrorCode::InvalidRequest naming the
/// field otherwise. Numbers out of range (negative tokens, status outside 100..599) are refused.
Result<observe::UsageRecord> usageRowFromJson(const json::value& row);

}  // namespace gw::agents
