#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace gw::store::sqlite {
namespace {

AgentRow agent(std::string name, std::string hash, std::string region = "eu-west-1") {
  AgentRow a;
  a.name = std::move(name);
  a.region = std::move(region);
  a.description = "desc";
  a.kind = "gateway";
  a.endpoint = "https://eu.example.com:3000";
  a.rules = json::object{{"models", json::array{"gpt-4o*"}}, {"regions", json::array{"eu"}}};
  a.priority = 2;
  a.key_hash = std::move(hash);
  a.key_prefix = "agk-AbCd...wxyz";
  return a;
}

class AgentStoreTest : public ::testing::Test {
protected:
  StorePtr store = openSqliteStore(":memory:");
  AgentStore& agents = store->agents();
};

TEST_F(AgentStoreTest, CreateAndGetRoundTripEveryField) {
  const auto created = agents.create(agent("eu", "h1"));
  EXPECT_GT(created.id, 0);
  auto got = agents.get(created.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "eu");
  EXPECT_EQ(got->region, "eu-west-1");
  EXPECT_EQ(got->description, "desc");
  EXPECT_EQ(got->kind, "gateway");
  EXPECT_EQ(got->endpoint, std::optional<std::string>("https://eu.example.com:3000"));
  EXPECT_TRUE(got->enabled);
  EXPECT_EQ(json::value(got->rules),
            json::parse(R"({"models":["gpt-4o*"],"regions":["eu"]})"));
  EXPECT_EQ(got->priority, 2);
  EXPECT_EQ(got->key_hash, "h1");
  EXPECT_EQ(got->key_prefix, "agk-AbCd...wxyz");
  EXPECT_FALSE(got->last_seen_at);
  EXPECT_FALSE(got->latency_ms);
  EXPECT_FALSE(got->stats);
  EXPECT_FALSE(got->created_at.empty());
  EXPECT_EQ(agents.findByKeyHash("h1")->id, created.id);
  EXPECT_FALSE(agents.findByKeyHash("nope"));
  EXPECT_FALSE(agents.get(created.id + 100));
}

TEST_F(AgentStoreTest, NameAndKeyHashAreUnique) {
  agents.create(agent("eu", "h1"));
  test::expectConstraint([&] { agents.create(agent("eu", "h2")); }, "duplicate name");
  test::expectConstraint([&] { agents.create(agent("us", "h1")); }, "duplicate key hash");
}

TEST_F(AgentStoreTest, UpdateReplacesKeyAndKeepsHeartbeat) {
  auto row = agents.create(agent("eu", "h1"));
  AgentHeartbeat beat;
  beat.seen_at = "2026-11-28T10:00:00Z";
  beat.remote_addr = "10.0.0.5";
  beat.agent_version = "0.1.0";
  beat.config_version = 7;
  beat.stats = json::object{{"requests", 3}, {"errors", 1}, {"inflight", 0}, {"uptime_s", 60}};
  ASSERT_TRUE(agents.recordHeartbeat(row.id, beat));
  row.key_hash = "h2";
  row.endpoint.reset();
  row.enabled = false;
  const auto updated = agents.update(row);
  EXPECT_EQ(updated.key_hash, "h2");
  EXPECT_FALSE(updated.endpoint);
  EXPECT_FALSE(updated.enabled);
  EXPECT_EQ(updated.last_seen_at, std::optional<std::string>("2026-11-28T10:00:00Z"));
  EXPECT_EQ(updated.remote_addr, std::optional<std::string>("10.0.0.5"));
  EXPECT_EQ(updated.config_version, std::optional<std::int64_t>(7));
  ASSERT_TRUE(updated.stats);
  EXPECT_EQ(json::value(*updated.stats), json::value(beat.stats));
  EXPECT_FALSE(agents.findByKeyHash("h1"));
  EXPECT_EQ(agents.findByKeyHash("h2")->id, row.id);
}

TEST_F(AgentStoreTest, ProbeAndHeartbeatLatency) {
  const auto row = agents.create(agent("eu", "h1"));
  ASSERT_TRUE(agents.recordProbe(row.id, 12.5, "2026-11-28T10:00:00Z"));
  EXPECT_EQ(agents.get(row.id)->latency_ms, std::optional<double>(12.5));
  AgentHeartbeat beat;
  beat.seen_at = "2026-11-28T10:00:10Z";
  beat.remote_addr = "10.0.0.5";
  ASSERT_TRUE(agents.recordHeartbeat(row.id, beat));
  const auto got = agents.get(row.id);
  EXPECT_EQ(got->latency_ms, std::optional<double>(12.5));  // kept: the beat had none
  EXPECT_EQ(got->last_seen_at, std::optional<std::string>("2026-11-28T10:00:10Z"));
  EXPECT_FALSE(agents.recordProbe(row.id + 1, 1, "2026-11-28T10:00:00Z"));
  EXPECT_FALSE(agents.recordHeartbeat(row.id + 1, beat));
}

TEST_F(AgentStoreTest, ListFiltersAndPages) {
  agents.create(agent("eu", "h1", "eu-west-1"));
  auto us = agent("us", "h2", "us-east-1");
  us.enabled = false;
  us.priority = 0;
  agents.create(us);
  agents.create(agent("eu-2", "h3", "eu-west-1"));

  ListQuery q;
  auto all = agents.list(q);
  EXPECT_EQ(all.total, 3);
  ASSERT_EQ(all.rows.size(), 3U);
  EXPECT_EQ(all.rows[0].name, "us");  // lowest priority first
  q.filters["region"] = "eu-west-1";
  EXPECT_EQ(agents.list(q).total, 2);
  q.filters.clear();
  q.filters["enabled"] = "false";
  EXPECT_EQ(agents.list(q).total, 1);
  q.filters.clear();
  q.q = "eu-";
  EXPECT_EQ(agents.list(q).total, 2);
  q.q.clear();
  q.page_size = 2;
  q.page = 2;
  auto p2 = agents.list(q);
  EXPECT_EQ(p2.total, 3);
  EXPECT_EQ(p2.rows.size(), 1U);
  EXPECT_EQ(agents.all().size(), 3U);
}

TEST_F(AgentStoreTest, RemoveSaysWhetherARowWent) {
  const auto row = agents.create(agent("eu", "h1"));
  EXPECT_TRUE(agents.remove(row.id));
  EXPECT_FALSE(agents.remove(row.id));
  EXPECT_FALSE(agents.get(row.id));
}

}  // namespace
}  // namespace gw::store::sqlite
