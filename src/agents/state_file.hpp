#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace gw::agents {

/// A config document as the control plane sent it, with its version.
struct VersionedDocument {
  std::uint64_t version = 0;
  json::object document;
};

/// The text SecretBox derives the state file's key from: hex(sha256("llm-gateway agent state"
/// + agent_key)). Another agent key (a regenerated one included) cannot open the file.
std::string stateKeyText(std::string_view agent_key);

/// The agent's last good config document on disk, `<dir>/config.json`.
///
/// The file is `{"format":"llm-gateway-agent-state","sealed":"v1:..."}`; the sealed text
/// (crypto::SecretBox keyed by stateKeyText(agent key)) is `{"version":N,"document":{...}}`.
/// The document holds provider credentials, hence the sealing and mode 0600.
/// save() writes a temporary file in the same directory (mode 0600), fsyncs it and renames it
/// over the old one, so a crash leaves either the old or the new file, never half of one.
/// @par Thread Safety
/// Immutable after construction; save() and load() do blocking file I/O (call them on a
/// blocking pool, or at start-up). Concurrent save() calls must be serialised by the caller.
class StateFile {
public:
  StateFile(std::filesystem::path dir, std::string_view agent_key);

  /// Creates the directory (mode 0700) when missing and replaces the file atomically.
  /// ErrorCode::Internal naming the path and the system error on failure.
  Result<void> save(const VersionedDocument& state) const;
  /// Reads and opens the file. ErrorCode::NotFound when there is none; ErrorCode::InvalidRequest
  /// when it is unreadable, not ours, sealed with another key or malformed (the caller logs a
  /// warning and ignores it).
  Result<VersionedDocument> load() const;

  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
  crypto::SecretBox box_;
};

}  // namespace gw::agents
