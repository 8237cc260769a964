#include "core/crypto.hpp"

#include <gtest/gtest.h>

namespace gw::crypto {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(toHex(sha256("abc")), sha256Hex("abc"));
  EXPECT_EQ(sha256("abc").size(), 32u);
}

TEST(HmacSha256, Rfc4231TestCase2) {
  EXPECT_EQ(toHex(hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Base64, StandardAndUrlSafe) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64Encode("\xfb\xff", false), "+/8=");
  EXPECT_EQ(base64Encode("\xfb\xff", true), "-_8");
  EXPECT_EQ(base64Encode("f", true), "Zg");
}

TEST(Base64, DecodesBothAlphabetsWithOrWithoutPadding) {
  EXPECT_EQ(base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64Decode("Zm9vYg"), "foob");
  EXPECT_EQ(base64Decode("+/8="), "\xfb\xff");
  EXPECT_EQ(base64Decode("-_8"), "\xfb\xff");
  EXPECT_EQ(base64Decode(""), "");
  EXPECT_FALSE(base64Decode("Zm9v!"));
  EXPECT_FALSE(base64Decode("Z"));
  EXPECT_FALSE(base64Decode("Zm 9v"));
}

TEST(Base64, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all.push_back(static_cast<char>(i));
  }
  for (bool url : {false, true}) {
    for (std::size_t n = 0; n <= all.size(); n += 37) {
      const auto part = all.substr(0, n);
      EXPECT_EQ(base64Decode(base64Encode(part, url)), part) << n << " url=" << url;
    }
  }
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(constantTimeEquals("", ""));
}

TEST(Crc32, KnownVector) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
}

class SecretBoxTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { initSodium(); }
};

TEST_F(SecretBoxTest, SealsAndOpens) {
  SecretBox box("a secret key text");
  const auto sealed = box.seal("sk-live-123");
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
  EXPECT_EQ(sealed.find("sk-live"), std::string::npos);
  EXPECT_NE(box.seal("sk-live-123"), sealed);  // a fresh nonce each time
  EXPECT_EQ(box.open(sealed), "sk-live-123");
  EXPECT_EQ(box.open(box.seal("")), "");
}

TEST_F(SecretBoxTest, RefusesTamperingAndOtherKeys) {
  SecretBox box("a secret key text");
  const auto sealed = box.seal("sk-live-123");
  EXPECT_FALSE(SecretBox("another key").open(sealed));
  std::string bad = sealed;
  bad[bad.size() / 2] = bad[bad.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.open(bad));
  EXPECT_FALSE(box.open("v1:"));
  EXPECT_FALSE(box.open("v2:" + sealed.substr(3)));
  EXPECT_FALSE(box.open("garbage"));
}

}  // namespace
}  // namespace gw::crypto
