#include "store/sqlite/provider_transfer_store.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace gw::store::sqlite {
namespace {

const auto kKnown = [](std::string_view t) { return t == "openai" || t == "bedrock"; };

class ProviderTransferStore : public ::testing::Test {
protected:
  void SetUp() override {
    auto guard = db_->lock();
    db_->exec(
        "INSERT INTO providers (id, name, type, base_url, api_key_sealed, api_key_hint, config, "
        "enabled, created_at, updated_at) VALUES "
        "(1, 'existing', 'openai', 'https://api.openai.com/v1', 'SEALED-PLANTED', 'sk-...1234', "
        " '{\"organization\":\"org-1\",\"project_token\":\"PLANTED-TOKEN\"}', 1, 't', 't'),"
        "(2, 'aws', 'bedrock', '', '', '', "
        " '{\"region\":\"eu-west-1\",\"secret_access_key\":\"PLANTED-AWS\"}', 0, 't', 't');"
        "INSERT INTO models (provider_id, name, model_id, enabled, mode, context_window, "
        "input_price, capabilities, created_at, updated_at) VALUES "
        "(1, 'gpt-4o', 'gpt-4o', 1, 'chat', 128000, 2.5, '{\"tools\":true}', 't', 't'),"
        "(2, 'sonnet', 'anthropic.claude-3-5-sonnet-20241022-v2:0', 1, 'chat', NULL, 3.0, '{}', "
        " 't', 't');");
  }

  std::int64_t count(std::string_view sql) {
    auto guard = db_->lock();
    auto st = db_->prepare(sql);
    return st.step() ? st.int64(0) : -1;
  }

  std::unique_ptr<Database> db_ = Database::open(":memory:");
  FakeClock clock_;
};

TEST_F(ProviderTransferStore, ExportReadsProvidersAndModelsWithoutSecrets) {
  auto rows = loadProvidersForExport(*db_, false);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].name, "aws");
  EXPECT_EQ((*rows)[1].models.size(), 1u);
  EXPECT_EQ((*rows)[1].models[0].context_window, 128000);
  const auto text = json::serialize(presets::buildExport(*rows, clock_.now()));
  EXPECT_EQ(text.find("PLANTED"), std::string::npos) << text;
  EXPECT_EQ(text.find("sk-..."), std::string::npos) << text;

  auto enabled = loadProvidersForExport(*db_, true);
  ASSERT_TRUE(enabled);
  ASSERT_EQ(enabled->size(), 1u);
  EXPECT_EQ((*enabled)[0].name, "existing");
}

TEST_F(ProviderTransferStore, ImportSkipsExistingNamesAndCreatesTheRestDisabled) {
  const auto doc = json::parse(R"({"version": 1, "providers": [
    {"name": "existing", "type": "openai", "models": [{"name": "should-not-appear"}]},
    {"name": "new-one", "type": "openai", "base_url": "https://llm.example.com/v1",
     "enabled": true, "api_key": "sk-PLANTED",
     "models": [{"name": "a", "model_id": "upstream-a", "input_price": 1.5},
                {"name": "b", "mode": "embedding", "enabled": false}]},
    {"name": "new-two", "type": "bedrock", "config": {"region": "us-east-1"}}
  ]})");
  auto plan = presets::validateImport(doc, kKnown);
  ASSERT_TRUE(plan) << plan.error().message;
  auto report = applyImportPlan(*db_, *plan, clock_.now());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->imported, 2u);
  EXPECT_EQ(report->skipped, 1u);
  EXPECT_EQ(report->failed, 0u);
  ASSERT_EQ(report->details.size(), 3u);
  EXPECT_EQ(report->details[0].status, "skipped");
  EXPECT_EQ(report->details[1].models, 2u);

  EXPECT_EQ(count("SELECT COUNT(*) FROM providers"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM providers WHERE name LIKE 'new-%' AND enabled = 0 "
                  "AND api_key_sealed = ''"),
            2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM models WHERE name = 'should-not-appear'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM models m JOIN providers p ON p.id = m.provider_id "
                  "WHERE p.name = 'new-one' AND m.name = 'a' AND m.model_id = 'upstream-a' "
                  "AND m.input_price = 1.5"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM models WHERE name = 'b' AND mode = 'embedding' "
                  "AND enabled = 0"),
            1);
}

TEST_F(ProviderTransferStore, ABrokenFileChangesNothing) {
  const auto doc = json::parse(R"({"version": 1, "providers": [
    {"name": "fine", "type": "openai"},
    {"name": "bad", "type": "nope"}]})");
  auto plan = presets::validateImport(doc, kKnown);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("providers[1].type"), std::string::npos);
  // Nothing is written because nothing reaches the store without a plan.
  EXPECT_EQ(count("SELECT COUNT(*) FROM providers"), 2);
}

TEST_F(ProviderTransferStore, ExportThenImportIntoAnotherDatabase) {
  auto rows = loadProvidersForExport(*db_, false);
  ASSERT_TRUE(rows);
  const json::value doc = presets::buildExport(*rows, clock_.now());
  auto plan = presets::validateImport(doc, kKnown);
  ASSERT_TRUE(plan) << plan.error().message;
  auto other = Database::open(":memory:");
  auto report = applyImportPlan(*other, *plan, clock_.now());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->imported, 2u);
  auto back = loadProvidersForExport(*other, false);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  EXPECT_FALSE((*back)[1].enabled);
  EXPECT_EQ((*back)[1].config, (json::object{{"organization", "org-1"}}));
  EXPECT_EQ((*back)[1].models[0].input_price, 2.5);
}

}  // namespace
}  // namespace gw::store::sqlite
