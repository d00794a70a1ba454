// Tests of service/logging.h: when stderr counts as the journal.
#include "service/logging.h"

#include <gtest/gtest.h>

namespace plan_reminder::service {
namespace {

// Tests that the stream JOURNAL_STREAM names is recognised by its device and inode.
TEST(JournalStream, MatchesTheStreamItNames) {
  EXPECT_TRUE(is_journal_stream("8:1234", 8, 1234));
  EXPECT_TRUE(is_journal_stream("66306:18446744073709", 66306, 18446744073709ULL));
}

// Tests that an inherited JOURNAL_STREAM does not make another stderr (a file, a pipe, a
// terminal) the journal.
TEST(JournalStream, AnotherFileIsNotTheJournal) {
  EXPECT_FALSE(is_journal_stream("8:1234", 8, 1235));
  EXPECT_FALSE(is_journal_stream("8:1234", 9, 1234));
}

// Tests that a malformed value is never taken for the journal.
TEST(JournalStream, MalformedValuesAreNotTheJournal) {
  for (const char* value :
       {"", ":", "8", "8:", ":1234", "8:12x", "x8:1234", "-8:1234", "8:1234:5"}) {
    EXPECT_FALSE(is_journal_stream(value, 8, 1234)) << value;
  }
}

}  // namespace
}  // namespace plan_reminder::service
