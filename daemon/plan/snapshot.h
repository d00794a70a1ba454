// Everything the service works from at one moment: config, directory and plans, all valid.
// The SnapshotLoader reads them, re-parsing only plan files that changed since its last load
// and parsing in parallel, so that a national corpus loads in seconds and a one-file edit
// reloads in milliseconds.
#pragma once

#include "plan/config.h"
#include "plan/diagnostics.h"
#include "plan/model.h"
#include "plan/parse_cache.h"

#include <chrono>
#include <cstdint>
#include <functional>
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

  // Reads the parse cache beside the state (parse_cache.h) at the first load, and writes it
  // after that load, so that the next process skips the files that did not change. Later
  // loads (the daemon's reloads) neither read nor write it: they keep their own in memory.
  // `now` tells which files changed too recently to be trusted from the cache.
  void use_parse_cache(
      std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now) {
    cache_clock_ = std::move(now);
  }

  LoadResult load(const std::string& config_file);

  // How many plan files the last load() parsed (the rest came from the cache).
  std::size_t parsed_last_time() const { return parsed_last_time_; }
  // Why the parse cache could not be read or written at the last load ("" when it was, or
  // when there was none yet): worth a line in the log, never an error.
  const std::string& parse_cache_problem() const { return parse_cache_problem_; }

 private:
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

  static CachedPlan parse_one(const std::string& file, FileStamp stamp, QuarterStyle quarters);
  // Parses the files that are new or changed since the last load; the cache keeps only `files`.
  void refresh(const std::vector<std::string>& files, QuarterStyle quarters);
  // The first load's seeding from the parse cache, and the cache written after it.
  void read_parse_cache_once(const std::string& cache_file);
  void write_parse_cache_once(const std::string& cache_file);
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
  std::function<std::chrono::system_clock::time_point()> cache_clock_;
  bool cache_used_ = false;
  std::string parse_cache_problem_;
};

}  // namespace plan_reminder::plan
