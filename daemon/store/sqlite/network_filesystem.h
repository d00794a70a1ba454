// Whether a folder is on a network filesystem, where a SQLite state is refused (SPEC §10): its
// write-ahead log keeps its index in shared memory (the -shm file, mapped by every process),
// which NFS, SMB and the like do not share between machines, and their locks are not to be
// trusted either; two processes could both write and damage the state.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::store::sqlite {

// The name of the network filesystem whose statfs(2) f_type is `type` ("NFS", "CIFS", ...), or
// nothing for any other.
std::optional<std::string_view> network_filesystem_name(std::int64_t type);

// The f_type of the filesystem holding `folder`, or nothing when statfs fails (the open that
// follows then says why).
using FilesystemTypeProbe = std::function<std::optional<std::int64_t>(const std::string& folder)>;
std::optional<std::int64_t> filesystem_type(const std::string& folder);

// Tests cannot mount NFS: they give the type the check sees. An empty probe restores statfs.
void set_filesystem_type_probe(FilesystemTypeProbe probe);

}  // namespace plan_reminder::store::sqlite
