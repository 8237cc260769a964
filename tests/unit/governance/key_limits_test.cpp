#include "governance/key_limits.hpp"

#include <gtest/gtest.h>

namespace gw::governance {
namespace {

json::object body(std::string_view text) { return parseJsonObject(text).value(); }

class ValidateKeyLimits : public ::testing::Test {
protected:
  std::vector<FieldError> validate(std::string_view text) {
    return validateKeyLimits(body(text), clock_);
  }
  FakeClock clock_;  // 2027-01-15T08:00:00Z
};

TEST_F(ValidateKeyLimits, AcceptsAValidBodyAndNulls) {
  EXPECT_TRUE(validate(R"({"rpm_limit":60,"tpm_limit":100000,"max_concurrency":4,
      "budget_usd":12.5,"budget_period":"weekly","expires_at":"2030-01-01T00:00:00Z",
      "allowed_ips":["10.0.0.0/8","::1"],"allowed_models":["gpt-4o","claude-*"]})")
                  .empty());
  EXPECT_TRUE(validate(R"({"rpm_limit":null,"tpm_limit":null,"max_concurrency":null,
      "budget_usd":null,"budget_period":null,"expires_at":null})")
                  .empty());
  EXPECT_TRUE(validate(R"({"name":"only other fields"})").empty());
}

struct BadField {
  const char* body;
  const char* path;
};

class ValidateKeyLimitsBad : public ValidateKeyLimits,
                             public ::testing::WithParamInterface<BadField> {};

TEST_P(ValidateKeyLimitsBad, NamesTheField) {
  auto errors = validate(GetParam().body);
  ASSERT_EQ(errors.size(), 1u) << GetParam().body;
  EXPECT_EQ(errors[0].path, GetParam().path);
  EXPECT_FALSE(errors[0].message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateKeyLimitsBad,
    ::testing::Values(BadField{R"({"rpm_limit":0})", "rpm_limit"},
                      BadField{R"({"rpm_limit":-5})", "rpm_limit"},
                      BadField{R"({"rpm_limit":1.5})", "rpm_limit"},
                      BadField{R"({"rpm_limit":"10"})", "rpm_limit"},
                      BadField{R"({"tpm_limit":0})", "tpm_limit"},
                      BadField{R"({"tpm_limit":1e12})", "tpm_limit"},
                      BadField{R"({"max_concurrency":-1})", "max_concurrency"},
                      BadField{R"({"budget_usd":0})", "budget_usd"},
                      BadField{R"({"budget_usd":-3.5})", "budget_usd"},
                      BadField{R"({"budget_usd":"5"})", "budget_usd"},
                      BadField{R"({"budget_period":"yearly"})", "budget_period"},
                      BadField{R"({"budget_period":7})", "budget_period"},
                      BadField{R"({"expires_at":"2020-01-01T00:00:00Z"})", "expires_at"},
                      BadField{R"({"expires_at":"tomorrow"})", "expires_at"},
                      BadField{R"({"allowed_ips":"10.0.0.0/8"})", "allowed_ips"},
                      BadField{R"({"allowed_ips":["10.0.0.0/8","10.0.0.0/99"]})",
                               "allowed_ips[1]"},
                      BadField{R"({"allowed_ips":["300.1.1.1"]})", "allowed_ips[0]"},
                      BadField{R"({"allowed_ips":[5]})", "allowed_ips[0]"},
                      BadField{R"({"allowed_models":["ok",""]})", "allowed_models[1]"},
                      BadField{R"({"enabled":"yes"})", "enabled"}));

TEST_F(ValidateKeyLimits, ReportsEveryBadField) {
  auto errors = validate(R"({"rpm_limit":0,"budget_period":"hourly","allowed_ips":["x"]})");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].path, "rpm_limit");
  EXPECT_EQ(errors[1].path, "budget_period");
  EXPECT_EQ(errors[2].path, "allowed_ips[0]");
  const json::value details = fieldErrorsToJson(errors);
  EXPECT_EQ(details.at(1).at("path"), json::value("budget_period"));
}

TEST(KeyLimitsFromJson, BuildsTheLimits) {
  auto limits = keyLimitsFromJson(body(R"({"enabled":false,"rpm_limit":10,"tpm_limit":null,
      "budget_usd":3,"budget_period":"daily","expires_at":"2020-01-01T00:00:00Z",
      "allowed_ips":["10.0.0.0/8"],"allowed_models":["gpt-*"]})"));
  ASSERT_TRUE(limits) << limits.error().message;
  EXPECT_FALSE(limits->enabled);
  EXPECT_EQ(limits->rpm_limit, 10);
  EXPECT_FALSE(limits->tpm_limit);
  EXPECT_EQ(limits->budget_usd, 3.0);
  EXPECT_EQ(limits->budget_period, BudgetPeriod::Daily);
  EXPECT_TRUE(limits->expires_at);  // the past is fine here: admission refuses the key
  EXPECT_TRUE(limits->allowed_ips.allows("10.1.1.1"));
  EXPECT_TRUE(limits->modelAllowed("gpt-4o"));
  EXPECT_FALSE(limits->modelAllowed("claude-3"));
  auto bad = keyLimitsFromJson(body(R"({"max_concurrency":0})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().param, "max_concurrency");
}

TEST(KeyLimits, ModelPatterns) {
  KeyLimits l;
  EXPECT_TRUE(l.modelAllowed("anything"));
  l.allowed_models = {"gpt-4o", "claude-*"};
  EXPECT_TRUE(l.modelAllowed("gpt-4o"));
  EXPECT_FALSE(l.modelAllowed("gpt-4o-mini"));
  EXPECT_TRUE(l.modelAllowed("claude-sonnet-4"));
  l.allowed_models = {"*"};
  EXPECT_TRUE(l.modelAllowed("x"));
}

}  // namespace
}  // namespace gw::governance
