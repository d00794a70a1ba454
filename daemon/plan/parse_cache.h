// The parse cache: plan files already parsed, kept in a file beside the state so that a new
// process (`run --once` from a timer, `check`, `agenda`) skips the files that did not change
// since the last one parsed them. Parsing YAML is most of the time a cold process spends on a
// national corpus; the cache is what makes an unchanged corpus load in a fraction of it. It is
// read in place (mapped, not copied), and its entries are framed so that the plans are rebuilt
// on every core.
//
// Trust is never assumed: an entry counts only for the same path with the same inode, size,
// modification and change times (as git's index decides), parsed with the same quarter style
// by the same program file; a file changed within the last seconds before the cache was
// written is left out (its time could repeat after a further edit); and a cache that is
// damaged, truncated, from another program build or of another format is ignored as a whole
// and written again.
#pragma once

#include "plan/model.h"
#include "plan/target_date.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace plan_reminder::plan {

// What a file looked like when it was parsed: an editor's save changes the inode (a new file
// renamed over the old one) or the modification and change times, which are nanoseconds.
struct FileStamp {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = -1;  // -1: the file cannot be read
  std::int64_t modified_ns = 0;
  std::int64_t changed_ns = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

FileStamp stamp_of(const std::string& file);

struct ParsedFile {
  FileStamp stamp;
  QuarterStyle quarters = QuarterStyle::calendar;
  std::shared_ptr<const Plan> plan;  // a valid plan: files with problems are never cached
};

using ParsedFiles = std::map<std::string, ParsedFile>;

// Where the cache of the state at `state_location` (the config's `state:`) lives: beside a
// SQLite state ("state.db.plan-cache"); for a state in PostgreSQL, in systemd's
// $CACHE_DIRECTORY when set, else nowhere ("").
std::string parse_cache_file(const std::string& state_location);

// The entries of the cache file, or none (with `problem` saying why) when it is missing,
// damaged, or was written by another build of the program.
ParsedFiles read_parse_cache(const std::string& cache_file, std::string& problem);

// Writes `files` to the cache file (a temporary file renamed over it, so that readers see the
// old cache or the new one), leaving out files changed at or after `now` minus two seconds.
// False, with `problem` saying why, when it cannot be written: the cache is then only missed.
bool write_parse_cache(const std::string& cache_file, const ParsedFiles& files,
                       std::chrono::system_clock::time_point now, std::string& problem);

}  // namespace plan_reminder::plan
