#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "providers/provider.hpp"

namespace gw::providers::testing {

/// Reads a file under tests/data/providers/.
inline std::string readFixture(const std::string& relative) {
  const std::string path = std::string(GW_TEST_DATA_DIR) + "/providers/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Parses a fixture as JSON (test failure on malformed fixtures).
inline json::value fixtureJson(const std::string& relative) {
  auto v = parseJson(readFixture(relative));
  EXPECT_TRUE(v.has_value()) << relative << ": " << (v ? "" : v.error().message);
  return v ? *v : json::value{};
}

/// Parses a JSON-lines fixture (blank lines ignored).
inline json::array fixtureJsonLines(const std::string& relative) {
  json::array out;
  std::istringstream in(readFixture(relative));
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    auto v = parseJson(line);
    EXPECT_TRUE(v.has_value()) << relative << ": bad line " << line;
    if (v) {
      out.push_back(*v);
    }
  }
  return out;
}

/// Feeds `bytes` to `tr` in pieces of `piece` bytes, then ends the stream.
inline Result<json::array> feedAll(StreamTranslator& tr, std::string_view bytes,
                                   std::size_t piece = 7) {
  std::vector<json::object> out;
  for (std::size_t i = 0; i < bytes.size(); i += piece) {
    if (auto r = tr.onData(bytes.substr(i, piece), out); !r) {
      return r.error();
    }
  }
  if (auto r = tr.onEnd(out); !r) {
    return r.error();
  }
  json::array arr;
  for (auto& o : out) {
    arr.push_back(std::move(o));
  }
  return arr;
}

/// A provider config for tests.
inline ProviderConfig testProvider(std::string family, std::string base_url,
                                   std::string api_key = "sk-test-secret-key-123456") {
  ProviderConfig p;
  p.id = 1;
  p.name = "test-" + family;
  p.type = family;
  p.family = std::move(family);
  p.base_url = std::move(base_url);
  p.api_key = std::move(api_key);
  return p;
}

inline json::object parseObject(std::string_view text) {
  auto v = parseJsonObject(text);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? *v : json::object{};
}

}  // namespace gw::providers::testing
