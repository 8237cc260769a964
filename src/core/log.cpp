#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace gw::log {

bool setup(std::string_view level) {
  const auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") {
    return false;
  }
  auto logger = spdlog::stderr_logger_mt("gateway");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  spdlog::set_level(lvl);
  return true;
}

std::string kv(std::string_view key, std::string_view value) {
  std::string out;
  out.reserve(key.size() + value.size() + 4);
  out.push_back(' ');
  out.append(key);
  out.push_back('=');
  const bool quote = value.empty() || value.find_first_of(" \"=\t\n") != std::string_view::npos;
  if (!quote) {
    out.append(value);
    return out;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string kv(std::string_view key, long long value) { return kv(key, std::to_string(value)); }

}  // namespace gw::log
