#pragma once

#include <gtest/gtest.h>

#include "store/sqlite/database.hpp"

namespace gw::store::sqlite::test {

/// Expects `write` to throw a StoreError flagged as a constraint violation (what the admin
/// handlers answer with 409).
template <class F>
void expectConstraint(F&& write, const std::string& what = {}) {
  try {
    write();
    ADD_FAILURE() << "no constraint violation: " << what;
  } catch (const StoreError& e) {
    EXPECT_TRUE(e.constraint()) << what << ": " << e.what();
  }
}

}  // namespace gw::store::sqlite::test
