#include "store/migrations/migrations.hpp"

#include <array>

namespace gw::store {

// Each migration lives in its own NNNN_<name>.cpp file as a raw SQL string.
extern const std::string_view kMigration0001;
extern const std::string_view kMigration0002;
extern const std::string_view kMigration0003;
extern const std::string_view kMigration0004;
extern const std::string_view kMigration0005;

std::span<const Migration> migrations() {
  static const std::array<Migration, 5> kAll{{
      {1, "init", kMigration0001},
      {2, "request_logs", kMigration0002},
      {3, "presets", kMigration0003},
      {4, "agents", kMigration0004},
      {5, "request_logs_indexes", kMigration0005},
  }};
  return kAll;
}

}  // namespace gw::store
