#pragma once

#include <span>
#include <string_view>

namespace gw::store {

/// One schema step. Versions are applied in order, once, each in its own transaction.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// All migrations, in version order. Never edit a released migration: add a new one.
std::span<const Migration> migrations();

}  // namespace gw::store
