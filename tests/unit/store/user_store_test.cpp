#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace gw::store::sqlite {
namespace {

UserRow user(std::string name, std::string role = "viewer") {
  UserRow u;
  u.username = std::move(name);
  u.password_hash = "hash-of-" + u.username;
  u.role = std::move(role);
  return u;
}

class UserStoreTest : public ::testing::Test {
protected:
  StorePtr store = openSqliteStore(":memory:");
  UserStore& users = store->users();
};

TEST_F(UserStoreTest, CreateFirstOnlyWhileEmpty) {
  EXPECT_EQ(users.count(), 0);
  auto first = users.createFirst(user("admin", "admin"));
  ASSERT_TRUE(first);
  EXPECT_GT(first->id, 0);
  EXPECT_FALSE(first->created_at.empty());
  EXPECT_FALSE(users.createFirst(user("second", "admin")));
  EXPECT_EQ(users.count(), 1);
  EXPECT_FALSE(users.findByName("second"));
}

TEST_F(UserStoreTest, CreateFindAndList) {
  const auto a = users.create(user("alice", "admin"));
  const auto b = users.create(user("bob"));
  EXPECT_NE(a.id, b.id);
  auto found = users.findByName("bob");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, b.id);
  EXPECT_EQ(found->role, "viewer");
  EXPECT_EQ(found->password_hash, "hash-of-bob");
  auto by_id = users.findById(a.id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->username, "alice");
  EXPECT_FALSE(users.findById(999));
  EXPECT_FALSE(users.findByName("carol"));
  const auto all = users.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].username, "alice");
  EXPECT_EQ(all[1].username, "bob");
}

TEST_F(UserStoreTest, UsernamesAreUniqueWithoutCase) {
  users.create(user("alice"));
  test::expectConstraint([&] { users.create(user("ALICE")); }, "duplicate username");
  auto found = users.findByName("Alice");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->username, "alice");
}

TEST_F(UserStoreTest, UnknownRoleIsAConstraintError) {
  test::expectConstraint([&] { users.create(user("mallory", "root")); }, "role root");
}

TEST_F(UserStoreTest, SetPassword) {
  const auto a = users.create(user("alice"));
  users.setPassword(a.id, "new-hash");
  EXPECT_EQ(users.findById(a.id)->password_hash, "new-hash");
}

TEST_F(UserStoreTest, TheLastAdminCannotBeRemoved) {
  const auto admin = users.create(user("admin", "admin"));
  const auto viewer = users.create(user("viewer"));
  EXPECT_FALSE(users.removeUnlessLastAdmin(admin.id));
  EXPECT_TRUE(users.findById(admin.id));
  EXPECT_TRUE(users.removeUnlessLastAdmin(viewer.id));
  EXPECT_FALSE(users.findById(viewer.id));
  const auto admin2 = users.create(user("admin2", "admin"));
  EXPECT_TRUE(users.removeUnlessLastAdmin(admin.id));
  EXPECT_FALSE(users.removeUnlessLastAdmin(admin2.id));
  EXPECT_EQ(users.count(), 1);
}

TEST_F(UserStoreTest, RemovingAnUnknownUserThrowsAndChangesNothing) {
  users.create(user("admin", "admin"));
  EXPECT_THROW(users.removeUnlessLastAdmin(12345), StoreError);
  EXPECT_EQ(users.count(), 1);
  // The failed call left no transaction open.
  users.create(user("after"));
  EXPECT_EQ(users.count(), 2);
}

}  // namespace
}  // namespace gw::store::sqlite
