// End-to-end key governance through the real gateway and mock-llm: requests and tokens per
// minute, concurrency, budgets and the key's own refusals (disabled, expired, address).

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "integration/dataplane_e2e_support.hpp"
#include "core/clock.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::test {
namespace {

struct Rig {
  Rig() {
    provider_id = g.createProvider("upstream", mock.baseUrl() + "/v1");
  }
  MockLlm mock;
  E2eGateway g;
  std::int64_t provider_id = 0;
};

/// Checks OpenAI's error shape and returns error.code.
std::string openAiErrorCode(const HttpResponse& r) {
  const auto v = r.json();
  EXPECT_TRUE(v.is_object()) << r.body;
  if (!v.is_object() || !v.as_object().contains("error")) {
    return {};
  }
  const auto& e = v.at("error").as_object();
  EXPECT_TRUE(e.at("message").is_string()) << r.body;
  EXPECT_TRUE(e.at("type").is_string()) << r.body;
  EXPECT_TRUE(e.contains("param")) << r.body;
  return e.at("code").is_string() ? std::string(e.at("code").as_string()) : std::string();
}

TEST(GovernanceE2e, RequestsPerMinuteLetExactlyTheLimitThrough) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock");
  const auto key = rig.g.createKey(json::object{{"rpm_limit", 10}});

  const auto t0 = std::chrono::steady_clock::now();
  const auto answers = parallel(100, [&](int) { return rig.g.chat(key, "chat"); });
  const auto took = std::chrono::steady_clock::now() - t0;
  int ok = 0;
  int limited = 0;
  for (const auto& r : answers) {
    if (r.status == 200) {
      ++ok;
    } else {
      ASSERT_EQ(r.status, 429) << r.body;
      ++limited;
      EXPECT_EQ(openAiErrorCode(r), "rate_limit_exceeded");
      ASSERT_FALSE(r.header("retry-after").empty());
      EXPECT_GE(std::stoi(r.header("retry-after")), 1);
    }
  }
  // GCRA refills one request every 6 s at 10 rpm: within 6 s exactly the burst of 10 passes.
  if (took < std::chrono::seconds(6)) {
    EXPECT_EQ(ok, 10);
  } else {
    EXPECT_LE(ok, 10 + std::chrono::duration_cast<std::chrono::seconds>(took).count() / 6 + 1);
  }
  EXPECT_EQ(ok + limited, 100);
  EXPECT_EQ(static_cast<int>(rig.mock.requests().size()), ok);  // refused ones never left
}

TEST(GovernanceE2e, ConcurrencyLimitHoldsUnderLoad) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock@latency=300");
  const auto key = rig.g.createKey(json::object{{"max_concurrency", 2}});

  const auto answers = parallel(10, [&](int) { return rig.g.chat(key, "chat"); });
  int ok = 0;
  int limited = 0;
  for (const auto& r : answers) {
    if (r.status == 200) {
      ++ok;
    } else {
      ASSERT_EQ(r.status, 429) << r.body;
      EXPECT_EQ(openAiErrorCode(r), "rate_limit_exceeded");
      EXPECT_FALSE(r.header("retry-after").empty());
      ++limited;
    }
  }
  EXPECT_GE(ok, 2);
  EXPECT_GE(limited, 1);
  EXPECT_EQ(ok + limited, 10);

  // At the mock, no three requests overlap: each holds its slot for >= 300 ms, so the third
  // of any three consecutive arrivals comes after the first one finished.
  std::vector<std::int64_t> arrivals;
  for (const auto& r : rig.mock.requests()) {
    arrivals.push_back(r.at("time_ms").as_int64());
  }
  ASSERT_EQ(static_cast<int>(arrivals.size()), ok);
  std::sort(arrivals.begin(), arrivals.end());
  for (std::size_t i = 2; i < arrivals.size(); ++i) {
    EXPECT_GE(arrivals[i] - arrivals[i - 2], 295) << "3 in flight at " << arrivals[i];
  }

  // The slots come back: a later request passes.
  auto after = rig.g.chat(key, "chat");
  EXPECT_EQ(after.status, 200) << after.body;
}

TEST(GovernanceE2e, ConcurrencyLimitHoldsUnderHeavierLoad) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock@latency=150");
  const auto key = rig.g.createKey(json::object{{"max_concurrency", 4}});
  // 40 clients, each retrying on 429 until it got through: the limit is hit again and again.
  std::atomic<int> refused{0};
  const auto answers = parallel(40, [&](int) {
    for (;;) {
      auto r = rig.g.chat(key, "chat");
      if (r.status != 429) {
        return r;
      }
      ++refused;
    }
  });
  for (const auto& r : answers) {
    EXPECT_EQ(r.status, 200) << r.body;
  }
  EXPECT_GT(refused.load(), 0);
  std::vector<std::int64_t> arrivals;
  for (const auto& r : rig.mock.requests()) {
    arrivals.push_back(r.at("time_ms").as_int64());
  }
  ASSERT_EQ(arrivals.size(), 40u);
  std::sort(arrivals.begin(), arrivals.end());
  for (std::size_t i = 4; i < arrivals.size(); ++i) {
    EXPECT_GE(arrivals[i] - arrivals[i - 4], 145) << "5 in flight at " << arrivals[i];
  }
}

TEST(GovernanceE2e, SequentialRequestsNeverHitTheirOwnConcurrencySlot) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock");
  const auto key = rig.g.createKey(json::object{{"max_concurrency", 1}});
  // A client that waits for each answer never has two requests in flight: the slot must be
  // free again by the time it has read the answer.
  for (int i = 0; i < 60; ++i) {
    auto r = rig.g.chat(key, "chat", {}, json::object{{"stream", i % 2 == 0}});
    ASSERT_EQ(r.status, 200) << i << ": " << r.body;
  }
}

TEST(GovernanceE2e, KeysShowWhenTheyWereLastUsed) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock");
  const auto key = rig.g.createKey();
  const auto path = "/api/admin/virtual-keys/" + std::to_string(rig.g.lastKeyId());
  auto fresh = rig.g.admin("GET", path);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_TRUE(fresh.json().at("last_used_at").is_null());

  ASSERT_EQ(rig.g.chat(key, "chat").status, 200);
  // The request log is written a moment after the answer.
  json::value shown;
  EXPECT_TRUE(eventually([&] {
    shown = rig.g.admin("GET", path).json();
    return shown.at("last_used_at").is_string();
  }));
  ASSERT_TRUE(shown.at("last_used_at").is_string());
  std::chrono::system_clock::time_point used;
  ASSERT_TRUE(parseRfc3339(shown.at("last_used_at").as_string(), used)) << shown;
  const auto age = std::chrono::system_clock::now() - used;
  EXPECT_LT(std::chrono::abs(age), std::chrono::minutes(1)) << shown;
  // The list shows it too.
  auto list = rig.g.admin("GET", "/api/admin/virtual-keys");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json().at("data").at(0).at("last_used_at"), shown.at("last_used_at"));
}

TEST(GovernanceE2e, SpentBudgetBlocksTheKey) {
  Rig rig;
  // $1 per token: one answer (3 prompt + 9 completion tokens) costs about $12.
  rig.g.createModel(rig.provider_id, "chat", "mock",
                    json::object{{"input_price", 1e6}, {"output_price", 1e6}});
  const auto key =
      rig.g.createKey(json::object{{"budget_usd", 5.0}, {"budget_period", "monthly"}});
  const auto key_id = rig.g.lastKeyId();

  auto first = rig.g.chat(key, "chat");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto usage = first.json().at("usage");
  const double cost = static_cast<double>(usage.at("prompt_tokens").as_int64() +
                                          usage.at("completion_tokens").as_int64());

  auto second = rig.g.chat(key, "chat");
  ASSERT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(openAiErrorCode(second), "budget_exceeded");
  ASSERT_FALSE(second.header("retry-after").empty());
  EXPECT_GT(std::stoll(second.header("retry-after")), 0);
  EXPECT_EQ(rig.mock.requests().size(), 1u);

  auto shown = rig.g.admin("GET", "/api/admin/virtual-keys/" + std::to_string(key_id));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_NEAR(shown.json().at("spent_usd").to_number<double>(), cost, 1e-6);

  // Raising the budget reopens the key at once.
  auto raised = rig.g.admin("PUT", "/api/admin/virtual-keys/" + std::to_string(key_id),
                            json::object{{"budget_usd", 1000.0}});
  ASSERT_EQ(raised.status, 200) << raised.body;
  EXPECT_EQ(rig.g.chat(key, "chat").status, 200);
}

TEST(GovernanceE2e, TokensPerMinuteReconcileWithRealUsage) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock");
  const auto key = rig.g.createKey(json::object{{"tpm_limit", 300}});
  const json::object big{{"max_tokens", 200}};  // estimated ~205, really ~12

  // Without reconciliation the second request would be refused (2 x 205 > 300).
  for (int i = 0; i < 4; ++i) {
    auto r = rig.g.chat(key, "chat", {}, big);
    ASSERT_EQ(r.status, 200) << i << ": " << r.body;
    EXPECT_LT(r.json().at("usage").at("total_tokens").as_int64(), 50);
  }
  // What really was used still counts: ~48 used, so a ~260-token estimate does not fit.
  auto refused = rig.g.chat(key, "chat", {}, json::object{{"max_tokens", 260}});
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(openAiErrorCode(refused), "rate_limit_exceeded");
  EXPECT_FALSE(refused.header("retry-after").empty());
  EXPECT_EQ(rig.mock.requests().size(), 4u);
}

TEST(GovernanceE2e, StreamedAnswersAreChargedToTheBudget) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock",
                    json::object{{"input_price", 1e6}, {"output_price", 1e6}});
  const auto key = rig.g.createKey(json::object{{"budget_usd", 5.0}, {"budget_period", "daily"}});

  // The client does not ask for usage; the gateway still learns it.
  auto streamed = rig.g.chat(key, "chat", {}, json::object{{"stream", true}});
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.body.find("\"usage\":{"), std::string::npos) << streamed.body;
  auto second = rig.g.chat(key, "chat", {}, json::object{{"stream", true}});
  EXPECT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(openAiErrorCode(second), "budget_exceeded");
}

TEST(GovernanceE2e, TokensChargedUpFrontAreRefundedWhenTheUpstreamFails) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock");
  rig.g.createModel(rig.provider_id, "broken", "mock@status=400");
  const auto key = rig.g.createKey(json::object{{"tpm_limit", 300}});
  const json::object big{{"max_tokens", 250}};

  auto failed = rig.g.chat(key, "broken", {}, big);
  EXPECT_EQ(failed.status, 400) << failed.body;
  auto r = rig.g.chat(key, "chat", {}, big);
  EXPECT_EQ(r.status, 200) << r.body;  // 2 x ~255 > 300: passes only if the first was refunded
}

TEST(GovernanceE2e, ConcurrencySlotIsFreedWhenTheClientHangsUp) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "slow", "mock@latency=5000");
  rig.g.createModel(rig.provider_id, "chat", "mock");
  const auto key = rig.g.createKey(json::object{{"max_concurrency", 1}});

  const std::string body =
      R"({"model":"slow","messages":[{"role":"user","content":"hi"}]})";
  abandonPost(rig.g.gw().port(), "/v1/chat/completions", body,
              {{"Authorization", "Bearer " + key}}, std::chrono::milliseconds(300));
  // The slot comes back with the disconnect, long before the slow upstream would answer.
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(eventually([&] { return rig.g.chat(key, "chat").status == 200; },
                         std::chrono::milliseconds(2500)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2500));
  EXPECT_TRUE(eventually([&] {
    return rig.mock.stats().at("client_disconnects").as_int64() == 1;  // upstream cancelled
  }));
}

TEST(GovernanceE2e, DisabledExpiredAndForeignAddressAreForbidden) {
  Rig rig;
  rig.g.createModel(rig.provider_id, "chat", "mock");

  const auto disabled = rig.g.createKey(json::object{{"enabled", false}});
  auto r = rig.g.chat(disabled, "chat");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(openAiErrorCode(r), "forbidden");

  const auto foreign = rig.g.createKey(json::object{{"allowed_ips", json::array{"10.0.0.0/8"}}});
  r = rig.g.chat(foreign, "chat");
  EXPECT_EQ(r.status, 403) << r.body;
  const auto local = rig.g.createKey(json::object{{"allowed_ips", json::array{"127.0.0.1"}}});
  EXPECT_EQ(rig.g.chat(local, "chat").status, 200);

  // Expired: the API refuses a past expiry, so a valid key's expiry is moved into the past
  // in the database, then the snapshot is rebuilt.
  const auto expiring = rig.g.createKey(json::object{{"expires_at", "2099-01-01T00:00:00Z"}});
  const auto expiring_id = rig.g.lastKeyId();
  EXPECT_EQ(rig.g.chat(expiring, "chat").status, 200);
  {
    auto store = store::sqlite::openSqliteStore(rig.g.dbPath());
    auto row = store->keys().get(expiring_id);
    ASSERT_TRUE(row);
    row->expires_at = "2000-01-01T00:00:00Z";
    store->keys().update(*row);
  }
  ASSERT_EQ(rig.g.admin("POST", "/api/admin/config/regenerate").status, 200);
  r = rig.g.chat(expiring, "chat");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(openAiErrorCode(r), "forbidden");
  EXPECT_NE(r.body.find("expired"), std::string::npos) << r.body;

  const auto narrow = rig.g.createKey(json::object{{"allowed_models", json::array{"other"}}});
  r = rig.g.chat(narrow, "chat");
  EXPECT_EQ(r.status, 403) << r.body;

  r = rig.g.chat("sk-not-a-key-of-this-gateway", "chat");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(rig.mock.requests().size(), 2u);  // only the two allowed calls went out
}

}  // namespace
}  // namespace gw::test
