#include "agents/state_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gw::agents {

namespace {

constexpr std::string_view kFormat = "llm-gateway-agent-state";
constexpr std::string_view kKeyContext = "llm-gateway agent state";

Error ioError(const std::string& what, const std::filesystem::path& p, int err) {
  return Error{ErrorCode::Internal, what + " " + p.string() + ": " + std::strerror(err)};
}

/// Writes all of `data` to `fd`, retrying short writes and EINTR.
bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void syncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);  // best effort: the rename is already atomic
    ::close(fd);
  }
}

}  // namespace

std::string stateKeyText(std::string_view agent_key) {
  std::string input(kKeyContext);
  input.append(agent_key);
  return crypto::sha256Hex(input);
}

StateFile::StateFile(std::filesystem::path dir, std::string_view agent_key)
    : dir_(std::move(dir)), path_(dir_ / "config.json"), box_(stateKeyText(agent_key)) {}

Result<void> StateFile::save(const VersionedDocument& state) const {
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) {
    std::filesystem::create_directories(dir_, ec);
    if (ec) {
      return Error{ErrorCode::Internal,
                   "cannot create the state directory " + dir_.string() + ": " + ec.message()};
    }
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  }
  json::object inner;
  inner["version"] = state.version;
  inner["document"] = state.document;
  json::object outer;
  outer["format"] = kFormat;
  outer["sealed"] = box_.seal(json::serialize(inner));
  const std::string text = json::serialize(outer);

  const auto tmp = path_.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return ioError("cannot create", tmp, errno);
  }
  ::fchmod(fd, 0600);  // an old leftover temporary file keeps its mode through O_TRUNC
  if (!writeAll(fd, text) || ::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return ioError("cannot write", tmp, err);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioError("cannot write", tmp, err);
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioError("cannot replace", path_, err);
  }
  syncDirectory(dir_);
  return {};
}

Result<VersionedDocument> StateFile::load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) {
      return Error{ErrorCode::NotFound, "no state file at " + path_.string()};
    }
    return Error{ErrorCode::InvalidRequest, "cannot read " + path_.string()};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto outer = parseJsonObject(ss.str());
  if (!outer || getStringView(*outer, "format") != kFormat) {
    return Error{ErrorCode::InvalidRequest, path_.string() + " is not an agent state file"};
  }
  const auto sealed = getStringView(*outer, "sealed");
  if (!sealed) {
    return Error{ErrorCode::InvalidRequest, path_.string() + " has no sealed document"};
  }
  auto plain = box_.open(*sealed);
  if (!plain) {
    return Error{ErrorCode::InvalidRequest,
                 path_.string() + " cannot be opened (damaged, or written with another agent key)"};
  }
  auto inner = parseJsonObject(*plain);
  if (!inner) {
    return Error{ErrorCode::InvalidRequest, path_.string() + " holds malformed JSON"};
  }
  const auto version = getInt(*inner, "version");
  const auto* document = getObject(*inner, "document");
  if (!version || *version < 0 || !document) {
    return Error{ErrorCode::InvalidRequest, path_.string() + " lacks a version or a document"};
  }
  return VersionedDocument{static_cast<std::uint64_t>(*version), *document};
}

}  // namespace gw::agents
