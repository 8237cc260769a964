#include <gtest/gtest.h>

#include "agents/control_plane_client.hpp"
#include "agents/usage_queue.hpp"
#include "agents/usage_rows.hpp"
#include "core/clock.hpp"

namespace gw::agents {
namespace {

observe::UsageRecord record(int status, std::string id = "req-1") {
  observe::UsageRecord r;
  parseRfc3339("2026-11-28T10:00:00Z", r.time);
  r.time += std::chrono::milliseconds(250);
  r.request_id = std::move(id);
  r.key_id = 3;
  r.key_name = "team";
  r.model = "gpt-4o";
  r.provider_id = 1;
  r.provider_name = "openai";
  r.status = status;
  r.latency_ms = 120;
  r.ttfb_ms = 40;
  r.overhead_ms = 0.5;
  r.prompt_tokens = 10;
  r.completion_tokens = 5;
  r.cached_tokens = 2;
  r.cost_usd = 0.0012;
  r.attempts = 2;
  r.route_path = "openai";
  r.stream = true;
  r.error = status >= 400 ? "boom" : "";
  return r;
}

TEST(UsageRows, ToJsonUsesTheLogApiNames) {
  const auto o = usageRowToJson(record(200));
  const auto expected = json::parse(R"({"time":"2026-11-28T10:00:00.250Z","request_id":"req-1",
      "key_id":3,"key_name":"team","model":"gpt-4o","provider_id":1,"provider_name":"openai",
      "status":200,"latency_ms":120,"ttfb_ms":40,"overhead_ms":0.5,"prompt_tokens":10,
      "completion_tokens":5,"cached_tokens":2,"cost_usd":0.0012,"attempts":2,
      "route_path":"openai","stream":true,"error":null,"prompt":null})");
  EXPECT_EQ(json::value(o), expected);
}

TEST(UsageQueue, BatchesCountsAndDrops) {
  UsageQueue q({/*capacity=*/5, /*batch_rows=*/2});
  int wakes = 0;
  q.onBatchReady([&] { ++wakes; });
  std::vector<observe::UsageRecord> in{record(200, "a"), record(500, "b"), record(200, "c")};
  ASSERT_TRUE(q.writeBatch(in));
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.requests(), 3u);
  EXPECT_EQ(q.errors(), 1u);
  ASSERT_TRUE(q.writeBatch(in));  // 6 rows into 5 slots
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q.dropped(), 1u);
  auto first = q.take();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].request_id, "a");
  EXPECT_EQ(first[1].request_id, "b");
  EXPECT_EQ(q.size(), 3u);
}

TEST(UsageQueue, PutBackKeepsOrderAndBound) {
  UsageQueue q({4, 2});
  std::vector<observe::UsageRecord> in{record(200, "a"), record(200, "b"), record(200, "c")};
  ASSERT_TRUE(q.writeBatch(in));
  auto batch = q.take();  // a, b
  ASSERT_TRUE(q.writeBatch(std::vector<observe::UsageRecord>{record(200, "d"), record(200, "e")}));
  q.putBack(std::move(batch));  // room for 1 of 2: "a" kept, "b" dropped
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(q.take()[0].request_id, "a");
  EXPECT_EQ(q.pruneOlderThan({}).value(), 0);
}

TEST(ControlPlaneAnswers, ConfigAnswerIsParsed) {
  auto ok = parseConfigAnswer(R"({"version":1764000000123,"document":{"providers":[]}})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->version, 1764000000123ULL);
  EXPECT_EQ(json::value(ok->document), json::parse(R"({"providers":[]})"));
  for (const char* bad : {"", "[]", R"({"version":0,"document":{}})", R"({"version":3})",
                          R"({"version":"3","document":{}})", R"({"version":3,"document":[]})"}) {
    auto r = parseConfigAnswer(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::UpstreamError) << bad;
  }
}

TEST(ControlPlaneAnswers, HeartbeatBody) {
  Heartbeat h;
  h.agent_version = "0.1.0";
  h.uptime_s = 12;
  h.inflight = 1;
  h.requests = 30;
  h.errors = 2;
  EXPECT_EQ(json::value(heartbeatJson(h)),
            json::parse(R"({"agent_version":"0.1.0","config_version":null,"uptime_s":12,
                            "inflight":1,"requests":30,"errors":2,"status":"ok"})"));
  h.config_version = 7;
  h.status = "degraded";
  EXPECT_EQ(json::value(heartbeatJson(h)).at("config_version"), json::value(7));
}

}  // namespace
}  // namespace gw::agents
