#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::crypto {

/// SHA-256 of `data` as lowercase hex.
std::string sha256Hex(std::string_view data);
/// Raw 32-byte SHA-256 of `data`.
std::string sha256(std::string_view data);
/// Raw 32-byte HMAC-SHA256.
std::string hmacSha256(std::string_view key, std::string_view data);
/// Lowercase hex of raw bytes.
std::string toHex(std::string_view bytes);
/// Standard or URL-safe (no padding) base64.
std::string base64Encode(std::string_view bytes, bool url_safe = false);
/// Decodes standard or URL-safe base64, with or without padding. nullopt on bad input.
std::optional<std::string> base64Decode(std::string_view text);
/// Compares in constant time.
bool constantTimeEquals(std::string_view a, std::string_view b);
/// CRC-32 (IEEE 802.3), as used by the AWS event-stream framing.
std::uint32_t crc32(std::string_view data, std::uint32_t seed = 0);

/// Authenticated encryption for secrets at rest (libsodium XChaCha20-Poly1305 IETF).
/// The key is derived from the configured SECRET_KEY text with BLAKE2b.
/// @par Thread Safety
/// Immutable after construction; safe from any thread.
class SecretBox {
public:
  explicit SecretBox(std::string_view secret_text);
  /// Returns "v1:" + base64(nonce || ciphertext).
  std::string seal(std::string_view plaintext) const;
  /// Opens what seal() produced; nullopt if tampered with or sealed under another key.
  std::optional<std::string> open(std::string_view sealed) const;

private:
  unsigned char key_[32];
};

/// Initialises libsodium once; call at start-up (idempotent, thread-safe).
void initSodium();

}  // namespace gw::crypto
