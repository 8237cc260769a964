#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Helpers shared by the process settings of `serve` (app/config) and `agent`
// (agents/agent_config): whole numbers in a range, the command-line flags, the log level. Every
// failure is a std::invalid_argument whose message starts with the setting's name.

namespace gw::settings {

/// `value` as a whole number in [min, max]. Throws std::invalid_argument
/// `NAME: must be a whole number from MIN to MAX, got "VALUE"`.
/// Defined for unsigned short, unsigned, unsigned long, int and long long.
template <class T>
T parseWhole(const std::string& name, const std::string& value, T min, T max);

/// A command-line flag that sets the setting `name`, e.g. {"--port,-p", "PORT", "listen port"}.
struct Flag {
  const char* flag;
  const char* name;
  const char* help;
};

/// Parses `args` (the flags after the sub-command `command`, e.g. "serve") against `flags`;
/// returns {setting name: value} for the flags given. Throws std::invalid_argument
/// `command line: <what is wrong>` (the message may quote the arguments).
std::map<std::string, std::string> parseFlags(std::string_view command,
                                              const std::vector<std::string>& args,
                                              std::span<const Flag> flags);

/// Throws std::invalid_argument `LOG_LEVEL: must be one of ...` unless `level` is one of
/// trace, debug, info, warn, error, off.
void checkLogLevel(std::string_view level);

}  // namespace gw::settings
