#include <gtest/gtest.h>

#include "dataplane/agent_rules.hpp"

namespace gw::dataplane {
namespace {

TEST(GlobMatch, StarAndQuestionMark) {
  EXPECT_TRUE(globMatch("gpt-4o*", "gpt-4o"));
  EXPECT_TRUE(globMatch("gpt-4o*", "gpt-4o-mini"));
  EXPECT_FALSE(globMatch("gpt-4o*", "gpt-4"));
  EXPECT_TRUE(globMatch("*", ""));
  EXPECT_TRUE(globMatch("claude-*-sonnet", "claude-3-5-sonnet"));
  EXPECT_FALSE(globMatch("claude-*-sonnet", "claude-3-5-sonnet-x"));
  EXPECT_TRUE(globMatch("gpt-?o", "gpt-4o"));
  EXPECT_FALSE(globMatch("gpt-?o", "gpt-o"));
  EXPECT_TRUE(globMatch("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(globMatch("", "x"));
  EXPECT_TRUE(globMatch("exact", "exact"));
  EXPECT_FALSE(globMatch("Exact", "exact"));
}

TEST(AgentMatches, EmptyListsMatchEverything) {
  AgentEntry a;
  EXPECT_TRUE(agentMatches(a, "gpt-4o", "", ""));
  a.rules.models = {"gpt-4o*", "claude-*"};
  EXPECT_TRUE(agentMatches(a, "claude-3", "openai", "us"));
  EXPECT_FALSE(agentMatches(a, "gemini", "openai", "us"));
  a.rules.providers = {"openai-eu"};
  EXPECT_TRUE(agentMatches(a, "gpt-4o", "openai-eu", ""));
  EXPECT_FALSE(agentMatches(a, "gpt-4o", "openai", ""));
  EXPECT_FALSE(agentMatches(a, "gpt-4o", "", ""));
  a.rules.regions = {"eu"};
  EXPECT_TRUE(agentMatches(a, "gpt-4o", "openai-eu", "eu"));
  EXPECT_FALSE(agentMatches(a, "gpt-4o", "openai-eu", ""));
  EXPECT_FALSE(agentMatches(a, "gpt-4o", "openai-eu", "us"));
}

}  // namespace
}  // namespace gw::dataplane
