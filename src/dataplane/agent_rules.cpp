#include "dataplane/agent_rules.hpp"

#include <algorithm>

namespace gw::dataplane {

bool globMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;  // position of the last '*' seen in pattern
  std::size_t resume = 0;                     // where text resumes after that '*'
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

namespace {

bool axisMatches(const std::vector<std::string>& patterns, std::string_view value, bool glob) {
  if (patterns.empty()) {
    return true;
  }
  if (value.empty()) {
    return false;
  }
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return glob ? globMatch(p, value) : p == value;
  });
}

}  // namespace

bool agentMatches(const AgentEntry& agent, std::string_view model, std::string_view provider,
                  std::string_view region) {
  return axisMatches(agent.rules.models, model, true) &&
         axisMatches(agent.rules.providers, provider, false) &&
         axisMatches(agent.rules.regions, region, false);
}

}  // namespace gw::dataplane
