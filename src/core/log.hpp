#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace gw::log {

/// Configures the process logger: level name ("trace".."error"), to stderr.
/// Returns false when the level name is unknown.
bool setup(std::string_view level);

/// Appends ` key=value` to a log line, quoting values with spaces or quotes.
std::string kv(std::string_view key, std::string_view value);
std::string kv(std::string_view key, long long value);

}  // namespace gw::log

// Every line is key=value fields after a short message; request-scoped lines carry request_id.
#define GW_LOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define GW_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define GW_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define GW_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
