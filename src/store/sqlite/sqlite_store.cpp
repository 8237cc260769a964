#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <filesystem>

#include "core/clock.hpp"
#include "store/migrations/migrations.hpp"

namespace gw::store::sqlite {

std::string nowText() { return formatRfc3339(std::chrono::system_clock::now()); }

json::object parseObjectColumn(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return (!ec && v.is_object()) ? std::move(v.as_object()) : json::object{};
}

json::array parseArrayColumn(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return (!ec && v.is_array()) ? std::move(v.as_array()) : json::array{};
}

std::pair<int, int> limitOffset(const ListQuery& q) {
  const int size = std::clamp(q.page_size, 1, 1000);
  const int page = std::max(q.page, 1);
  return {size, (page - 1) * size};
}

std::string likePattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

bool deleteById(Database& db, std::string_view sql, std::int64_t id) {
  auto lock = db.lock();
  db.prepare(sql).bind(1, id).run();
  return db.changes() > 0;
}

namespace {

class SqliteStore final : public Store {
public:
  explicit SqliteStore(std::unique_ptr<Database> db)
      : db_(std::move(db)), users_(makeUserStore(*db_)), providers_(makeProviderStore(*db_)),
        models_(makeModelStore(*db_)), keys_(makeVirtualKeyStore(*db_)),
        routing_(makeRoutingConfigStore(*db_)), settings_(makeSettingsStore(*db_)),
        agents_(makeAgentStore(*db_)) {}

  UserStore& users() override { return *users_; }
  ProviderStore& providers() override { return *providers_; }
  ModelStore& models() override { return *models_; }
  VirtualKeyStore& keys() override { return *keys_; }
  RoutingConfigStore& routingConfigs() override { return *routing_; }
  SettingsStore& settings() override { return *settings_; }
  AgentStore& agents() override { return *agents_; }

  bool ready() override {
    try {
      auto lock = db_->lock();
      return db_->schemaVersion() == static_cast<int>(migrations().back().version);
    } catch (const std::exception&) {
      return false;
    }
  }

  Database& database() { return *db_; }

  std::int64_t sizeBytes() override {
    std::error_code ec;
    std::int64_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
      const auto n = std::filesystem::file_size(db_->path() + suffix, ec);
      if (!ec) {
        total += static_cast<std::int64_t>(n);
      }
    }
    return total;
  }

private:
  std::unique_ptr<Database> db_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<ProviderStore> providers_;
  std::unique_ptr<ModelStore> models_;
  std::unique_ptr<VirtualKeyStore> keys_;
  std::unique_ptr<RoutingConfigStore> routing_;
  std::unique_ptr<SettingsStore> settings_;
  std::unique_ptr<AgentStore> agents_;
};

}  // namespace

Database& databaseOf(Store& store) { return dynamic_cast<SqliteStore&>(store).database(); }

std::unique_ptr<Store> openSqliteStore(const std::string& path) {
  return std::make_unique<SqliteStore>(Database::open(path));
}

}  // namespace gw::store::sqlite
