// Whether a folder is on a network filesystem (see network_filesystem.h).
#include "store/sqlite/network_filesystem.h"

#include <sys/vfs.h>

#include <array>
#include <mutex>
#include <utility>

namespace plan_reminder::store::sqlite {
namespace {

// Magic numbers from <linux/magic.h> and the filesystems' own sources. FUSE is not among them:
// it is local as often as not (sshfs and GlusterFS over FUSE are not caught).
constexpr std::array<std::pair<std::int64_t, std::string_view>, 10> kNetworkFilesystems{{
    {0x6969, "NFS"},
    {0x517B, "SMB"},
    {0xFF534D42, "CIFS"},
    {0xFE534D42, "SMB2"},
    {0x5346414F, "AFS"},
    {0x6B414653, "AFS"},  // the kernel's kAFS
    {0x73757245, "Coda"},
    {0x00C36400, "Ceph"},
    {0x01021997, "9P"},
    {0x47504653, "GPFS"},
}};

std::mutex probe_mutex;
FilesystemTypeProbe probe;  // empty: statfs

std::optional<std::int64_t> statfs_type(const std::string& folder) {
  struct statfs about {};
  if (::statfs(folder.c_str(), &about) != 0) {
    return std::nullopt;
  }
  // f_type is a signed word: CIFS's 0xFF534D42 reads as negative on some builds.
  return static_cast<std::int64_t>(static_cast<std::uint32_t>(about.f_type));
}

}  // namespace

std::optional<std::string_view> network_filesystem_name(std::int64_t type) {
  for (const auto& [magic, name] : kNetworkFilesystems) {
    if (magic == type) {
      return name;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> filesystem_type(const std::string& folder) {
  const std::lock_guard lock(probe_mutex);
  return probe ? probe(folder) : statfs_type(folder);
}

void set_filesystem_type_probe(FilesystemTypeProbe replacement) {
  const std::lock_guard lock(probe_mutex);
  probe = std::move(replacement);
}

}  // namespace plan_reminder::store::sqlite
