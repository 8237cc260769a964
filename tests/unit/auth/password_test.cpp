#include "auth/password.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace gw::auth {
namespace {

class PasswordTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { crypto::initSodium(); }
};

TEST_F(PasswordTest, HashVerifiesOnlyTheSamePassword) {
  const auto hash = hashPassword("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct"), std::string::npos);
  EXPECT_TRUE(verifyPassword("correct horse battery staple", hash));
  EXPECT_FALSE(verifyPassword("correct horse battery stapler", hash));
  EXPECT_FALSE(verifyPassword("", hash));
}

TEST_F(PasswordTest, SamePasswordHashesDifferently) {
  const auto a = hashPassword("password123");
  const auto b = hashPassword("password123");
  EXPECT_NE(a, b);  // random salt
  EXPECT_TRUE(verifyPassword("password123", a));
  EXPECT_TRUE(verifyPassword("password123", b));
}

TEST_F(PasswordTest, GarbageHashNeverVerifies) {
  EXPECT_FALSE(verifyPassword("password123", ""));
  EXPECT_FALSE(verifyPassword("password123", "password123"));
  EXPECT_FALSE(verifyPassword("password123", "$argon2id$v=19$m=65536,t=2,p=1$broken"));
}

}  // namespace
}  // namespace gw::auth
