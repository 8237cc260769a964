#include <gtest/gtest.h>

#include <cstring>

#include "core/crypto.hpp"
#include "providers/adapter_util.hpp"

namespace gw::providers {
namespace {

json::object parseObj(std::string_view text) { return json::parse(text).as_object(); }

std::vector<float> decodeFloats(const json::value& v) {
  auto bytes = crypto::base64Decode(v.as_string());
  EXPECT_TRUE(bytes.has_value());
  std::vector<float> out(bytes->size() / sizeof(float));
  std::memcpy(out.data(), bytes->data(), out.size() * sizeof(float));
  return out;
}

TEST(EmbeddingEncoding, Base64RequestEncodesFloatArraysAsLittleEndianFloat32) {
  auto list = parseObj(
      R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1,0.25]},
          {"object":"embedding","index":1,"embedding":[1,2]}]})");
  applyEmbeddingEncoding(parseObj(R"({"input":"x","encoding_format":"base64"})"), list);
  const auto& data = list.at("data").as_array();
  ASSERT_TRUE(data[0].at("embedding").is_string());
  EXPECT_EQ(decodeFloats(data[0].at("embedding")), (std::vector<float>{0.5F, -1.0F, 0.25F}));
  EXPECT_EQ(decodeFloats(data[1].at("embedding")), (std::vector<float>{1.0F, 2.0F}));
  // 0.5f is 0x3F000000: bytes 00 00 00 3F.
  EXPECT_EQ(data[1].at("index"), 1);
  auto one = parseObj(R"({"data":[{"embedding":[0.5]}]})");
  applyEmbeddingEncoding(parseObj(R"({"encoding_format":"base64"})"), one);
  EXPECT_EQ(one.at("data").as_array()[0].at("embedding"), "AAAAPw==");
}

TEST(EmbeddingEncoding, FloatOrAbsentFormatAndEncodedValuesAreLeftAlone) {
  const auto original = parseObj(R"({"data":[{"embedding":[0.5,1]},{"embedding":"AAAAPw=="}]})");
  for (const char* request : {R"({})", R"({"encoding_format":"float"})"}) {
    auto list = original;
    applyEmbeddingEncoding(parseObj(request), list);
    EXPECT_EQ(json::value(list), json::value(original)) << request;
  }
  auto list = original;
  applyEmbeddingEncoding(parseObj(R"({"encoding_format":"base64"})"), list);
  EXPECT_EQ(list.at("data").as_array()[1].at("embedding"), "AAAAPw==");
  auto no_data = parseObj(R"({"object":"list"})");
  applyEmbeddingEncoding(parseObj(R"({"encoding_format":"base64"})"), no_data);
  EXPECT_EQ(json::value(no_data), json::parse(R"({"object":"list"})"));
}

}  // namespace
}  // namespace gw::providers
