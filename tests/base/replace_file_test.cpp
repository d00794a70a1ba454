// Tests of the atomic replacement of a file that must not have changed since it was read (the
// write-back of `updates export`): the new contents and the old permissions, no file left
// behind, a symbolic link followed, and a file edited meanwhile refused untouched.
#include "base/replace_file.h"

#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace plan_reminder::base {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string read(const fs::path& path) {
  std::ostringstream out;
  out << std::ifstream(path, std::ios::binary).rdbuf();
  return out.str();
}

// Tests that the file gets the new contents, keeps its permissions, and that nothing else is
// left in its folder.
TEST(ReplaceFile, WritesTheNewContentsWithTheOldMode) {
  TempDir dir("plan-reminder-replace");
  const fs::path plan = dir.path() / "david.yaml";
  write(plan, "old\n");
  fs::permissions(plan, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto result = replace_file_if_unchanged(plan.string(), "old\n", "new\n");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(read(plan), "new\n");
  EXPECT_EQ(fs::status(plan).permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

// Tests that a file changed since it was read (an editor's save) is refused, named, and left
// as the editor saved it.
TEST(ReplaceFile, FileChangedSinceItWasReadIsRefused) {
  TempDir dir("plan-reminder-replace");
  const fs::path plan = dir.path() / "david.yaml";
  write(plan, "edited by hand\n");
  auto result = replace_file_if_unchanged(plan.string(), "old\n", "new\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            plan.string() +
                " changed since it was read; nothing was written to it (run the command again)");
  EXPECT_EQ(read(plan), "edited by hand\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

// Tests that through a symbolic link the file it names is replaced and the link stays a link.
TEST(ReplaceFile, SymbolicLinkIsFollowed) {
  TempDir dir("plan-reminder-replace");
  fs::create_directory(dir.path() / "real");
  const fs::path real = dir.path() / "real" / "david.yaml";
  const fs::path link = dir.path() / "david.yaml";
  write(real, "old\n");
  fs::create_symlink(real, link);
  auto result = replace_file_if_unchanged(link.string(), "old\n", "new\n");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(real), "new\n");
}

// Tests that a new file is written whole, an existing one is replaced, and nothing else is
// left in the folder (a report written with --out).
TEST(WriteFileAtomically, WritesNewAndReplacesOld) {
  TempDir dir("plan-reminder-write");
  const fs::path paper = dir.path() / "paper.csv";
  auto first = write_file_atomically(paper.string(), "first\r\n", true);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(read(paper), "first\r\n");
  auto second = write_file_atomically(paper.string(), "second", true);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(read(paper), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

// Tests that a folder that does not exist is an error naming the file, and nothing is made.
TEST(WriteFileAtomically, MissingFolderIsAnError) {
  TempDir dir("plan-reminder-write");
  const fs::path paper = dir.path() / "missing" / "paper.csv";
  auto result = write_file_atomically(paper.string(), "x", true);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, ::testing::HasSubstr("paper.csv"));
}

}  // namespace
}  // namespace plan_reminder::base
