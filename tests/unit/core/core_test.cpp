#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/json.hpp"

namespace gw {
namespace {

using namespace std::chrono_literals;

TEST(Rfc3339, FormatsUtcSeconds) {
  EXPECT_EQ(formatRfc3339(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatRfc3339(std::chrono::system_clock::time_point{1'800'000'000s}),
            "2027-01-15T08:00:00Z");
}

TEST(Rfc3339, ParsesFractionsAndOffsets) {
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parseRfc3339("2027-01-15T08:00:00Z", t));
  EXPECT_EQ(unixSeconds(t), 1'800'000'000);
  ASSERT_TRUE(parseRfc3339("2027-01-15T10:30:00+02:30", t));
  EXPECT_EQ(unixSeconds(t), 1'800'000'000);
  ASSERT_TRUE(parseRfc3339("2027-01-15T08:00:00.750Z", t));
  EXPECT_EQ(unixSeconds(t), 1'800'000'000);
  ASSERT_TRUE(parseRfc3339("2027-01-15t03:00:00-05:00", t));
  EXPECT_EQ(unixSeconds(t), 1'800'000'000);
}

TEST(Rfc3339, RefusesMalformed) {
  std::chrono::system_clock::time_point t;
  for (const char* bad : {"", "2027-01-15", "2027-13-01T00:00:00Z", "2027-01-15T25:00:00Z",
                          "2027-01-15T08:00:00", "2027-01-15T08:00:00.Z",
                          "2027-01-15T08:00:00+0200", "yesterday"}) {
    EXPECT_FALSE(parseRfc3339(bad, t)) << bad;
  }
}

TEST(Rfc3339, RoundTrip) {
  FakeClock clock;
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parseRfc3339(formatRfc3339(clock.now()), t));
  EXPECT_EQ(unixSeconds(t), unixSeconds(clock.now()));
}

TEST(FakeClock, AdvancesBothClocks) {
  FakeClock clock;
  const auto wall = clock.now();
  const auto mono = clock.steadyNow();
  clock.advance(90s);
  EXPECT_EQ(clock.now() - wall, 90s);
  EXPECT_EQ(clock.steadyNow() - mono, 90s);
  clock.setWall(std::chrono::system_clock::time_point{});
  EXPECT_EQ(unixSeconds(clock.now()), 0);
  EXPECT_EQ(clock.steadyNow() - mono, 90s);
}

TEST(ErrorTable, StatusesTypesAndRetries) {
  struct Row {
    ErrorCode code;
    unsigned status;
    std::string_view name;
    bool retryable;
  };
  const Row rows[] = {
      {ErrorCode::InvalidRequest, 400, "invalid_request", false},
      {ErrorCode::Unauthorized, 401, "unauthorized", false},
      {ErrorCode::Forbidden, 403, "forbidden", false},
      {ErrorCode::NotFound, 404, "not_found", false},
      {ErrorCode::MethodNotAllowed, 405, "method_not_allowed", false},
      {ErrorCode::Conflict, 409, "conflict", false},
      {ErrorCode::PayloadTooLarge, 413, "payload_too_large", false},
      {ErrorCode::RateLimited, 429, "rate_limit_exceeded", false},
      {ErrorCode::BudgetExceeded, 429, "budget_exceeded", false},
      {ErrorCode::UpstreamTimeout, 504, "upstream_timeout", true},
      {ErrorCode::NoAvailableTarget, 503, "no_available_target", true},
      {ErrorCode::Internal, 500, "internal_error", false},
      {ErrorCode::ServiceUnavailable, 503, "service_unavailable", true},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(httpStatus(r.code), r.status) << r.name;
    EXPECT_EQ(errorCodeName(r.code), r.name);
    EXPECT_FALSE(openAiType(r.code).empty()) << r.name;
    EXPECT_EQ(isRetryable(Error{r.code, "x"}), r.retryable) << r.name;
  }
  EXPECT_EQ(openAiType(ErrorCode::InvalidRequest), "invalid_request_error");
}

TEST(ErrorTable, UpstreamClientErrorsKeepTheirStatus) {
  Error e{ErrorCode::UpstreamError, "context too long"};
  e.upstream_status = 400;
  EXPECT_EQ(httpStatus(e), 400u);
  e.upstream_status = 401;  // the provider refusing our key is our problem, not the client's
  EXPECT_EQ(httpStatus(e), httpStatus(ErrorCode::UpstreamError));
}

TEST(Json, ParseHelpers) {
  auto v = parseJson(R"({"s":"x","i":3,"d":2.5,"b":true,"o":{},"a":[]})");
  ASSERT_TRUE(v);
  const auto& o = v->as_object();
  EXPECT_EQ(getStringView(o, "s"), "x");
  EXPECT_FALSE(getStringView(o, "i"));
  EXPECT_EQ(getInt(o, "i"), 3);
  EXPECT_EQ(getNumber(o, "d"), 2.5);
  EXPECT_EQ(getNumber(o, "i"), 3.0);
  EXPECT_EQ(getBool(o, "b"), true);
  EXPECT_NE(getObject(o, "o"), nullptr);
  EXPECT_NE(getArray(o, "a"), nullptr);
  EXPECT_EQ(getArray(o, "o"), nullptr);
  EXPECT_FALSE(getInt(o, "missing"));
}

TEST(Json, ErrorsAreInvalidRequests) {
  auto bad = parseJson("{oops");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidRequest);
  auto arr = parseJsonObject("[1]");
  ASSERT_FALSE(arr);
  EXPECT_EQ(arr.error().code, ErrorCode::InvalidRequest);
  std::string deep(200, '[');
  deep += std::string(200, ']');
  EXPECT_FALSE(parseJson(deep)) << "nesting is bounded";
}

}  // namespace
}  // namespace gw

namespace gw {
namespace {

TEST(Rfc3339, YearsOutsideTheClockRangeAreRejected) {
  std::chrono::system_clock::time_point t;
  EXPECT_FALSE(parseRfc3339("2999-01-01T00:00:00Z", t));
  EXPECT_FALSE(parseRfc3339("1800-01-01T00:00:00Z", t));
  ASSERT_TRUE(parseRfc3339("2199-12-31T23:59:59Z", t));
  EXPECT_GT(t, std::chrono::system_clock::now());
}

}  // namespace
}  // namespace gw
