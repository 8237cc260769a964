#include "core/settings.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <stdexcept>

namespace gw::settings {

template <class T>
T parseWhole(const std::string& name, const std::string& value, T min, T max) {
  T out{};
  const auto* end = value.data() + value.size();
  auto [p, ec] = std::from_chars(value.data(), end, out);
  if (ec != std::errc() || p != end || out < min || out > max) {
    throw std::invalid_argument(name + ": must be a whole number from " + std::to_string(min) +
                                " to " + std::to_string(max) + ", got \"" + value + "\"");
  }
  return out;
}

template unsigned short parseWhole(const std::string&, const std::string&, unsigned short,
                                   unsigned short);
template unsigned parseWhole(const std::string&, const std::string&, unsigned, unsigned);
template unsigned long parseWhole(const std::string&, const std::string&, unsigned long,
                                  unsigned long);
template int parseWhole(const std::string&, const std::string&, int, int);
template long long parseWhole(const std::string&, const std::string&, long long, long long);

std::map<std::string, std::string> parseFlags(std::string_view command,
                                              const std::vector<std::string>& args,
                                              std::span<const Flag> flags) {
  const std::string name(command);
  CLI::App cli{"llm-gateway " + name};
  std::map<std::string, std::string> out;
  for (const auto& f : flags) {
    const char* setting = f.name;
    cli.add_option_function<std::string>(
        f.flag, [&out, setting](const std::string& v) { out[setting] = v; }, f.help);
  }
  std::vector<const char*> argv{name.c_str()};
  for (const auto& a : args) {
    argv.push_back(a.c_str());
  }
  try {
    cli.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    throw std::invalid_argument(std::string("command line: ") + e.what());
  }
  return out;
}

void checkLogLevel(std::string_view level) {
  if (level != "trace" && level != "debug" && level != "info" && level != "warn" &&
      level != "error" && level != "off") {
    throw std::invalid_argument("LOG_LEVEL: must be one of trace, debug, info, warn, error, off");
  }
}

}  // namespace gw::settings
