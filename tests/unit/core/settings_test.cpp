#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/settings.hpp"

namespace gw::settings {
namespace {

template <class Fn>
std::string errorOf(Fn fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

TEST(Settings, ParseWholeAcceptsTheRangeOnly) {
  EXPECT_EQ(parseWhole<unsigned short>("PORT", "0", 0, 65535), 0);
  EXPECT_EQ(parseWhole<unsigned short>("PORT", "65535", 0, 65535), 65535);
  EXPECT_EQ(parseWhole<long long>("X", "-5", -10, 10), -5);
  EXPECT_EQ(errorOf([] { parseWhole<unsigned short>("PORT", "70000", 0, 65535); }),
            "PORT: must be a whole number from 0 to 65535, got \"70000\"");
  for (const char* bad : {"", "x", "1x", " 1", "-1", "1.5"}) {
    EXPECT_EQ(errorOf([&] { parseWhole<unsigned>("THREADS", bad, 0, 256); }).rfind("THREADS:", 0),
              0U)
        << bad;
  }
  EXPECT_EQ(errorOf([] { parseWhole<int>("DAYS", "0", 1, 3650); }).rfind("DAYS:", 0), 0U);
}

TEST(Settings, ParseFlagsReturnsTheSettingsGiven) {
  static constexpr Flag kFlags[] = {{"--port,-p", "PORT", "listen port"},
                                    {"--host", "HOST", "listen address"}};
  const auto set = parseFlags("serve", {"-p", "8080"}, kFlags);
  EXPECT_EQ(set, (std::map<std::string, std::string>{{"PORT", "8080"}}));
  EXPECT_TRUE(parseFlags("serve", {}, kFlags).empty());
  EXPECT_EQ(errorOf([] { parseFlags("serve", {"--nope"}, kFlags); }).rfind("command line:", 0), 0U);
}

TEST(Settings, CheckLogLevel) {
  for (const char* level : {"trace", "debug", "info", "warn", "error", "off"}) {
    EXPECT_NO_THROW(checkLogLevel(level)) << level;
  }
  EXPECT_EQ(errorOf([] { checkLogLevel("loud"); }),
            "LOG_LEVEL: must be one of trace, debug, info, warn, error, off");
}

}  // namespace
}  // namespace gw::settings
