// Everything the service works from at one moment: config, directory and plans, all valid.
// The SnapshotLoader reads them, re-parsing only plan files that changed since its last load
// and parsing in parallel, so that a national corpus loads in seconds and a one-file edit
// reloads in milliseconds.
#pragma once

#include "plan/config.h"
#include "plan/diagnostics.h"
#include "plan/model.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace plan_reminder::plan {

struct Snapshot {
  Config config;
  Directory directory;
  std::vector<std::shared_ptr<const Plan>> plans;  // in file-name order
};

struct LoadResult {
  std::shared_ptr<const Snapshot> snapshot;  // null when any file has a problem
  Diagnostics diagnostics;                   // sorted by file, line, column
};

// The plan files named by the config's globs, folders and file names, sorted and without
// duplicates. A source that matches nothing is reported.
std::vector<std::string> find_plan_files(const Config& config, Diagnostics& out);

class SnapshotLoader {
 public:
  // `threads` 0: one per core.
  explicit SnapshotLoader(unsigned threads = 0) : threads_(threads) {}

  LoadResult load(const std::string& config_file);

  // How many plan files the last load() parsed (the rest came from the cache).
  std::size_t parsed_last_time() const { return parsed_last_time_; }

 private:
  // What a file looked like when it was parsed: an editor's save changes the inode (a new file
  // renamed over the old one) or the modification and change times, which are nanoseconds.
  struct FileStamp {
    std::uint64_t inode = 0;
    std::int64_t size = -1;
    std::int64_t modified_ns = 0;
    std::int64_t changed_ns = 0;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
  };

  struct CachedPlan {
    FileStamp stamp;
    QuarterStyle quarters = QuarterStyle::calendar;
    std::shared_ptr<const Plan> plan;  // null when the file had problems
    // What could be read of it, problems or not, so that the checks across files (unknown
    // agencies, duplicate review ids) report with the rest in one go.
    std::shared_ptr<const Plan> read;
    Diagnostics diagnostics;
    // Unknown agencies, as of the directory generation they were checked against.
    std::uint64_t checked_generation = 0;
    Diagnostics reference_diagnostics;
  };

  static FileStamp stamp_of(const std::string& file);
  static CachedPlan parse_one(const std::string& file, FileStamp stamp, QuarterStyle quarters);
  // Parses the files that are new or changed since the last load; the cache keeps only `files`.
  void refresh(const std::vector<std::string>& files, QuarterStyle quarters);
  // Starts a new directory generation when the set of agency ids changed.
  void note_agencies(const Directory& directory);
  // The good plans of `files`, with every file's problems and those across files (duplicate
  // review ids, unknown agencies when a directory is loaded) added to `out`.
  std::vector<std::shared_ptr<const Plan>> collect(const std::vector<std::string>& files,
                                                   const Directory* directory, Diagnostics& out);

  // The directory's agency ids; a new set starts a new generation, and only then are unchanged
  // plans checked again.
  std::string agency_ids_;
  std::uint64_t directory_generation_ = 0;

  unsigned threads_;
  std::map<std::string, CachedPlan> cache_;
  std::size_t parsed_last_time_ = 0;
};

}  // namespace plan_reminder::plan
