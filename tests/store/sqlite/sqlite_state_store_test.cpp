// Tests for what only the SQLite state does: a file made with its folder, write-ahead logging,
// a damaged, empty, full or read-only file said plainly. What every engine does is in
// ../state_store_test.cpp.
#include "store/sqlite/clean_close.h"
#include "store/sqlite/network_filesystem.h"
#include "store/state_store.h"
#include "store/store_records.h"
#include "support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace plan_reminder::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using namespace test_records;
using plan_reminder::test_support::TempDir;

class SqliteStateStoreTest : public ::testing::Test {
 protected:
  std::string DatabasePath() const { return (dir_.path() / "var" / "state.db").string(); }
  std::unique_ptr<StateStore> Open() const { return StateStore::open(DatabasePath()); }

  TempDir dir_{"plan-reminder-store"};
};

// Tests that opening creates the database file and the folders above it.
TEST_F(SqliteStateStoreTest, OpenCreatesTheFileAndItsFolder) {
  ASSERT_FALSE(fs::exists(dir_.path() / "var"));
  auto store = Open();
  EXPECT_TRUE(fs::is_regular_file(DatabasePath()));
  EXPECT_THAT(store->handled_keys(), IsEmpty());
  EXPECT_EQ(store->queued_count(), 0u);
  EXPECT_EQ(store->next_attempt(), std::nullopt);
}

// Tests that the database is in write-ahead-log mode, as seen by any other connection.
TEST_F(SqliteStateStoreTest, WalModeIsOn) {
  auto store = Open();
  SQLite::Database other(DatabasePath(), SQLite::OPEN_READONLY);
  EXPECT_EQ(other.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

// Tests that a file that is not a database is refused with an error naming it.
TEST_F(SqliteStateStoreTest, NotADatabaseFailsNamingThePath) {
  fs::create_directories(fs::path(DatabasePath()).parent_path());
  std::ofstream(DatabasePath()) << "timezone: Europe/London\nplans: plans/*.yaml\n"
                                << std::string(200, '#');
  EXPECT_THROW(
      {
        try {
          Open();
        } catch (const std::runtime_error& e) {
          EXPECT_THAT(e.what(), HasSubstr("state database " + DatabasePath() + " is damaged"));
          throw;
        }
      },
      std::runtime_error);
}

// Tests that an existing empty file is refused as a lost database, not taken as a new one
// (everything would be sent again), and is left as it was.
TEST_F(SqliteStateStoreTest, EmptyExistingFileIsRefused) {
  fs::create_directories(fs::path(DatabasePath()).parent_path());
  std::ofstream(DatabasePath()).close();
  try {
    Open();
    FAIL() << "opened an empty file as a new database";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("state database " + DatabasePath() + " is damaged"));
    EXPECT_THAT(e.what(), HasSubstr("empty"));
    EXPECT_THAT(e.what(), HasSubstr("restore it from a backup, or move it away"));
    EXPECT_THAT(e.what(), HasSubstr("may be sent again"));
  }
  EXPECT_EQ(fs::file_size(DatabasePath()), 0u);
}

// Tests that a database damaged inside (a page overwritten) is refused when opened, with the
// path and what to do, instead of being used.
TEST_F(SqliteStateStoreTest, DamagedDatabaseIsRefused) {
  {
    auto store = Open();
    for (int i = 0; i < 200; ++i) {
      const std::string id = "<m" + std::to_string(i) + "@plan-reminder>";
      ASSERT_TRUE(store->enqueue(Message(id), {Notice("k" + std::to_string(i))}));
    }
  }
  const auto size = fs::file_size(DatabasePath());
  ASSERT_GT(size, 8 * 4096u);
  {
    std::fstream file(DatabasePath(), std::ios::in | std::ios::out | std::ios::binary);
    for (std::uintmax_t page = 2; page * 4096 < size; page += 2) {
      file.seekp(static_cast<std::streamoff>(page * 4096 + 8));
      file << std::string(64, '\x5a');
    }
  }
  try {
    Open();
    FAIL() << "opened a damaged database";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("state database " + DatabasePath() + " is damaged"));
    EXPECT_THAT(e.what(), HasSubstr("restore it from a backup"));
  }
}

// Writes 64 bytes over every other page of the state from the third on: damage inside that
// SQLite finds when it reads those pages.
void OverwritePages(const std::string& path) {
  const auto size = fs::file_size(path);
  ASSERT_GT(size, 8 * 4096u);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (std::uintmax_t page = 2; page * 4096 < size; page += 2) {
    file.seekp(static_cast<std::streamoff>(page * 4096 + 8));
    file << std::string(64, '\x5a');
  }
}

// Tests that a state closed cleanly is opened without its full check only while it is exactly
// as it was left: closing notes it, and a file changed since (here by a write that damages it)
// is checked again and refused.
TEST_F(SqliteStateStoreTest, ACleanCloseIsNotedAndAChangedFileIsCheckedAgain) {
  {
    auto store = Open();
    for (int i = 0; i < 200; ++i) {
      const std::string id = "<m" + std::to_string(i) + "@plan-reminder>";
      ASSERT_TRUE(store->enqueue(Message(id), {Notice("k" + std::to_string(i))}));
    }
  }
  ASSERT_TRUE(sqlite::unchanged_since_clean_close(DatabasePath()));
  EXPECT_EQ(Open()->handled_keys().size(), 200u);
  ASSERT_TRUE(sqlite::unchanged_since_clean_close(DatabasePath()));
  OverwritePages(DatabasePath());
  EXPECT_FALSE(sqlite::unchanged_since_clean_close(DatabasePath()));
  EXPECT_THROW(Open(), std::runtime_error);
}

// Tests that damage the clean-close note cannot see (a disk's own fault leaves the file's times
// alone; here the note is written again after the damage) is still said plainly when the pass
// reads it, and that the next open checks the whole file and refuses it.
TEST_F(SqliteStateStoreTest, DamageFoundInUseIsSaidAndTheNextOpenChecks) {
  {
    auto store = Open();
    for (int i = 0; i < 200; ++i) {
      const std::string id = "<m" + std::to_string(i) + "@plan-reminder>";
      ASSERT_TRUE(store->enqueue(Message(id), {Notice("k" + std::to_string(i))}));
    }
  }
  OverwritePages(DatabasePath());
  sqlite::note_clean_close(DatabasePath());
  ASSERT_TRUE(sqlite::unchanged_since_clean_close(DatabasePath()));
  {
    auto store = Open();  // not checked: the note matches
    try {
      store->handled_keys();
      FAIL() << "read a damaged table";
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("state database " + DatabasePath() + " is damaged"));
      EXPECT_THAT(e.what(), HasSubstr("restore it from a backup"));
    }
  }
  EXPECT_FALSE(fs::exists(sqlite::clean_close_file(DatabasePath())));
  try {
    Open();
    FAIL() << "opened a damaged database";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("is damaged (quick_check"));
  }
}

// Runs `body` in a child process with its own mount namespace, where it may mount a small or
// read-only file system over a folder. Returns the child's exit status; 77: cannot do that here.
template <typename Body>
int InMountNamespace(Body body) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      ::_exit(77);
    }
    int status = 3;
    try {
      status = body();
    } catch (...) {
      status = 4;
    }
    ::_exit(status);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 5;
}

// Tests that a full disk is named as such, not as SQLite's "disk I/O error".
TEST_F(SqliteStateStoreTest, AFullDiskIsSaidPlainly) {
  const fs::path folder = dir_.path() / "small";
  fs::create_directories(folder);
  const int status = InMountNamespace([&] {
    if (::mount("tmpfs", folder.c_str(), "tmpfs", 0, "size=256k") != 0) {
      return 77;
    }
    auto store = StateStore::open((folder / "state.db").string());
    try {
      for (int i = 0; i < 1000; ++i) {
        OutboxMessage message = Message("<m" + std::to_string(i) + "@plan-reminder>");
        message.raw = std::string(16 * 1024, 'x');
        store->enqueue(message, {Notice("k" + std::to_string(i))});
      }
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      return what.find("the disk is full") != std::string::npos ? 0 : 10;
    }
    return 11;
  });
  if (status == 77) {
    GTEST_SKIP() << "cannot mount a small tmpfs here";
  }
  EXPECT_EQ(status, 0);
}

// Tests that a database on a read-only file system is named as read-only.
TEST_F(SqliteStateStoreTest, AReadOnlyDatabaseIsSaidPlainly) {
  const fs::path folder = dir_.path() / "ro";
  const fs::path view = dir_.path() / "ro-view";
  fs::create_directories(folder);
  fs::create_directories(view);
  const int status = InMountNamespace([&] {
    const std::string path = (folder / "state.db").string();
    auto writer = StateStore::open(path);  // keeps the -wal and -shm files in place
    if (!writer->enqueue(Message("<a@plan-reminder>"), {Notice("k1")})) {
      return 12;
    }
    if (::mount(folder.c_str(), view.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
        ::mount(nullptr, view.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
      return 77;
    }
    try {
      auto store = StateStore::open((view / "state.db").string());
      static_cast<void>(store->begin_attempt(store->due_messages(kMonday).at(0).id, kMonday));
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      return what.find("read-only") != std::string::npos ? 0 : 10;
    }
    return 11;
  });
  if (status == 77) {
    GTEST_SKIP() << "cannot bind-mount read-only here";
  }
  EXPECT_EQ(status, 0);
}

// Makes the open's filesystem check see `type` (tests cannot mount NFS), statfs again after.
class FilesystemTypeSeen {
 public:
  explicit FilesystemTypeSeen(std::int64_t type, std::string* folder = nullptr) {
    sqlite::set_filesystem_type_probe([type, folder](const std::string& seen) {
      if (folder != nullptr) {
        *folder = seen;
      }
      return std::optional<std::int64_t>(type);
    });
  }
  ~FilesystemTypeSeen() { sqlite::set_filesystem_type_probe({}); }
  FilesystemTypeSeen(const FilesystemTypeSeen&) = delete;
  FilesystemTypeSeen& operator=(const FilesystemTypeSeen&) = delete;
};

// Tests that a SQLite state on NFS or SMB is refused when opened, saying which filesystem and
// why, and that nothing is made there.
TEST_F(SqliteStateStoreTest, AStateOnANetworkFilesystemIsRefused) {
  const std::pair<std::int64_t, std::string> network[] = {
      {0x6969, "NFS"}, {0xFF534D42, "CIFS"}, {0xFE534D42, "SMB2"}, {0x517B, "SMB"}};
  for (const auto& [type, name] : network) {
    const FilesystemTypeSeen seen(type);
    try {
      Open();
      ADD_FAILURE() << "opened a state on " << name;
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("state database " + DatabasePath() +
                                      " is on a network filesystem (" + name + "): refused"));
      EXPECT_THAT(e.what(), HasSubstr("write-ahead log"));
      EXPECT_THAT(e.what(), HasSubstr("keep it on a local disk, or put it in PostgreSQL"));
    }
    EXPECT_FALSE(fs::exists(dir_.path() / "var")) << name;
  }
}

// Tests that a local filesystem (ext4, by its statfs type) is accepted, and that the check looks
// at the nearest folder that exists before the state's folder is made.
TEST_F(SqliteStateStoreTest, ALocalFilesystemIsAccepted) {
  std::string folder;
  {
    const FilesystemTypeSeen seen(0xEF53, &folder);
    Open()->set_setting("last_pass", "1");
  }
  EXPECT_EQ(folder, dir_.path().string());
  EXPECT_EQ(Open()->setting("last_pass"), "1");
}

}  // namespace
}  // namespace plan_reminder::store
