#include <gtest/gtest.h>

#include "routing/query.hpp"
#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using test::parse;

class QueryTest : public ::testing::Test {
protected:
  bool matches(std::string_view query) {
    ValidationErrors errors;
    auto q = Query::compile(parse(query).as_object(), "query", errors);
    EXPECT_TRUE(q.has_value()) << (errors.empty() ? "" : errors[0].toString());
    return q && q->matches(ctx_);
  }
  ValidationErrors errorsOf(std::string_view query) {
    ValidationErrors errors;
    auto q = Query::compile(parse(query).as_object(), "q", errors);
    EXPECT_FALSE(q.has_value());
    return errors;
  }

  void SetUp() override {
    ctx_.metadata = parse(R"({"plan":"paid","tier":"3","score":7,"region":"eu-west-1",
                              "flags":{"beta":true},"dotted.key":"x"})")
                        .as_object();
    params_ = parse(R"({"model":"fastest","temperature":0.9,"messages":[{},{},{}]})")
                  .as_object();
    ctx_.params = &params_;
    ctx_.path = "/v1/chat/completions";
  }

  RouteContext ctx_;
  json::object params_;
};

TEST_F(QueryTest, EqualityExplicitAndImplicit) {
  EXPECT_TRUE(matches(R"({"metadata.plan": {"$eq": "paid"}})"));
  EXPECT_TRUE(matches(R"({"metadata.plan": "paid"})"));
  EXPECT_FALSE(matches(R"({"metadata.plan": "free"})"));
  EXPECT_TRUE(matches(R"({"metadata.plan": {"$ne": "free"}})"));
  EXPECT_FALSE(matches(R"({"metadata.plan": {"$ne": "paid"}})"));
}

TEST_F(QueryTest, EqualityIsStrictBetweenNumbersAndStrings) {
  EXPECT_FALSE(matches(R"({"metadata.tier": 3})"));
  EXPECT_TRUE(matches(R"({"metadata.tier": "3"})"));
  EXPECT_TRUE(matches(R"({"metadata.score": 7.0})"));
}

TEST_F(QueryTest, NumericComparisonsParseLikeParseFloat) {
  EXPECT_TRUE(matches(R"({"metadata.score": {"$gt": 5, "$lte": 7}})"));
  EXPECT_FALSE(matches(R"({"metadata.score": {"$gt": 7}})"));
  EXPECT_TRUE(matches(R"({"metadata.score": {"$gte": 7, "$lt": 8}})"));
  EXPECT_TRUE(matches(R"({"metadata.tier": {"$gte": "2"}})"));  // "3" reads as 3
  EXPECT_FALSE(matches(R"({"metadata.plan": {"$gt": 1}})"));   // "paid" is not a number
  EXPECT_TRUE(matches(R"({"params.temperature": {"$gt": 0.7}})"));
}

TEST_F(QueryTest, InAndNotIn) {
  EXPECT_TRUE(matches(R"({"metadata.plan": {"$in": ["paid", "pro"]}})"));
  EXPECT_FALSE(matches(R"({"metadata.plan": {"$nin": ["paid", "pro"]}})"));
  EXPECT_TRUE(matches(R"({"metadata.missing": {"$nin": ["a"]}})"));
  EXPECT_FALSE(matches(R"({"metadata.missing": {"$in": ["a"]}})"));
}

TEST_F(QueryTest, RegexSearchesTheValue) {
  EXPECT_TRUE(matches(R"({"metadata.region": {"$regex": "^eu-"}})"));
  EXPECT_FALSE(matches(R"({"metadata.region": {"$regex": "^us-"}})"));
  EXPECT_TRUE(matches(R"({"url.pathname": {"$regex": "chat/completions$"}})"));
  EXPECT_FALSE(matches(R"({"metadata.missing": {"$regex": ".*"}})"));
}

TEST_F(QueryTest, LogicalOperatorsNest) {
  EXPECT_TRUE(matches(R"({"$and": [{"metadata.plan": "paid"}, {"params.model": "fastest"}]})"));
  EXPECT_FALSE(matches(R"({"$and": [{"metadata.plan": "paid"}, {"params.model": "x"}]})"));
  EXPECT_TRUE(matches(R"({"$or": [{"metadata.plan": "free"}, {"params.model": "fastest"}]})"));
  EXPECT_TRUE(matches(
      R"({"$or": [{"$and": [{"metadata.plan": "free"}, {"metadata.tier": "3"}]},
                  {"metadata.flags.beta": true}]})"));
}

TEST_F(QueryTest, NestedAndDottedMetadataKeys) {
  EXPECT_TRUE(matches(R"({"metadata.flags.beta": true})"));
  EXPECT_TRUE(matches(R"({"metadata.dotted.key": "x"})"));
}

TEST_F(QueryTest, LengthOfArrays) {
  EXPECT_TRUE(matches(R"({"params.messages": {"$length": 3}})"));
  EXPECT_TRUE(matches(R"({"params.messages": {"$length": {"$gt": 2}}})"));
  EXPECT_FALSE(matches(R"({"params.messages": {"$length": {"$gt": 3}}})"));
}

TEST_F(QueryTest, EmptyQueryMatchesAndMissingParamsFail) {
  EXPECT_TRUE(matches("{}"));
  ctx_.params = nullptr;
  EXPECT_FALSE(matches(R"({"params.model": "fastest"})"));
}

TEST_F(QueryTest, BadQueriesAreRejectedWithPaths) {
  using test::errorStrings;
  EXPECT_EQ(errorStrings(errorsOf(R"({"metadata.plan": {"$foo": 1}})")),
            std::vector<std::string>{"q.metadata.plan.$foo: unknown operator"});
  EXPECT_EQ(errorStrings(errorsOf(R"({"metadata.plan": {"$regex": "(unclosed"}})"))[0].rfind(
                "q.metadata.plan.$regex: invalid regular expression", 0),
            0u);
  EXPECT_EQ(errorStrings(errorsOf(R"({"metadata.plan": {"$in": "paid"}})")),
            std::vector<std::string>{"q.metadata.plan.$in: must be an array"});
  EXPECT_EQ(errorStrings(errorsOf(R"({"metadata.score": {"$gt": "abc"}})")),
            std::vector<std::string>{"q.metadata.score.$gt: must be a number"});
  EXPECT_EQ(errorStrings(errorsOf(R"({"$or": {"metadata.plan": "x"}})")),
            std::vector<std::string>{"q.$or: must be an array of queries"});
  EXPECT_EQ(errorStrings(errorsOf(R"({"$nor": []})")),
            std::vector<std::string>{"q.$nor: unknown operator"});
  EXPECT_EQ(errorStrings(errorsOf(R"({"headers.x": "y", "url.host": "z"})")).size(), 2u);
  EXPECT_EQ(errorStrings(errorsOf(R"({"$and": [{"metadata.a": {"$bad": 1}}, 3]})")),
            (std::vector<std::string>{"q.$and[0].metadata.a.$bad: unknown operator",
                                      "q.$and[1]: must be an object"}));
}

TEST(MetadataHeader, GatewayHeaderFirstThenPortkeyAndBadJsonIgnored) {
  providers::Headers h{{"X-Portkey-Metadata", R"({"a":"portkey"})"}};
  EXPECT_EQ(json::value(metadataFromHeaders(h)), test::parse(R"({"a":"portkey"})"));
  h.push_back({"x-gateway-metadata", R"({"a":"gateway"})"});
  EXPECT_EQ(json::value(metadataFromHeaders(h)), test::parse(R"({"a":"gateway"})"));
  providers::Headers bad{{"x-gateway-metadata", "{nope"}};
  EXPECT_TRUE(metadataFromHeaders(bad).empty());
}

}  // namespace
}  // namespace gw::routing
