#include "providers/secret_config.hpp"

#include <gtest/gtest.h>

namespace gw::providers {
namespace {

TEST(SecretConfig, BedrockSecretsAreSealedAndOpenedBack) {
  const crypto::SecretBox box("unit-test-secret-key-0123456789abcdef");
  json::object config{{"region", "us-east-1"},
                      {"access_key_id", "AKIAEXAMPLE"},
                      {"secret_access_key", "wJalrXUtnFEMI-planted-secret"}};
  const auto fields = secretConfigFields("bedrock");
  ASSERT_FALSE(fields.empty());
  const auto sealed = sealConfigSecrets(config, fields, box);
  EXPECT_EQ(json::serialize(sealed).find("planted-secret"), std::string::npos);
  EXPECT_EQ(sealed.at("region"), json::value("us-east-1"));
  EXPECT_TRUE(sealed.at("secret_access_key").is_object());
  // Sealing twice changes nothing more; opening restores the plain values.
  const auto twice = sealConfigSecrets(sealed, fields, box);
  EXPECT_EQ(twice.at("secret_access_key"), sealed.at("secret_access_key"));
  EXPECT_EQ(json::value(openConfigSecrets(twice, box)), json::value(config));
}

TEST(SecretConfig, UnopenableValuesAreDropped) {
  const crypto::SecretBox box("unit-test-secret-key-0123456789abcdef");
  const crypto::SecretBox other("another-secret-key-0123456789abcdef");
  json::object config{{"secret_access_key", "s3cret"}};
  const auto sealed = sealConfigSecrets(config, {"secret_access_key"}, box);
  const auto opened = openConfigSecrets(sealed, other);
  EXPECT_FALSE(opened.contains("secret_access_key"));
}

TEST(SecretConfig, TypesWithoutSecretFieldsHaveNone) {
  EXPECT_TRUE(secretConfigFields("openai").empty());
  EXPECT_TRUE(secretConfigFields("no-such-type").empty());
}

}  // namespace
}  // namespace gw::providers
