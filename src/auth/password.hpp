#pragma once

#include <string>
#include <string_view>

namespace gw::auth {

/// Argon2id password hashing (libsodium crypto_pwhash_str, interactive limits).
/// Blocking and memory-hungry (~64 MiB per call): run on the blocking pool.
std::string hashPassword(std::string_view password);
/// Verifies `password` against a stored hash string.
bool verifyPassword(std::string_view password, const std::string& hash);

}  // namespace gw::auth
