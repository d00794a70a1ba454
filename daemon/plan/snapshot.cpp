#include "plan/snapshot.h"

#include "plan/loaders.h"
#include "plan/parallel.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <thread>

namespace plan_reminder::plan {
namespace {

bool is_yaml_name(const std::filesystem::path& path) {
  auto extension = path.extension();
  return extension == ".yaml" || extension == ".yml";
}

void add_source(const Config& config, const PlanSource& plan_source, std::set<std::string>& files,
                Diagnostics& out) {
  const std::string& source = plan_source.path;
  auto report = [&](std::string message) {
    out.add(Diagnostic{config.file, plan_source.line, plan_source.column, "plans",
                       std::move(message), FileKind::config});
  };
  std::error_code error;
  if (std::filesystem::is_directory(source, error)) {
    // A folder with no plan yet is a deployment waiting for its first plan (as installed), not
    // a mistake: `check` says how many plans it found.
    for (const auto& entry : std::filesystem::directory_iterator(source, error)) {
      if (entry.is_regular_file() && is_yaml_name(entry.path())) {
        files.insert(entry.path().lexically_normal().string());
      }
    }
    return;
  }
  glob_t matches{};
  int status = ::glob(source.c_str(), GLOB_ERR, nullptr, &matches);
  if (status == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
      files.insert(std::filesystem::path(matches.gl_pathv[i]).lexically_normal().string());
    }
  } else {
    report("no plan file matches " + source);
  }
  ::globfree(&matches);
}

}  // namespace

std::vector<std::string> find_plan_files(const Config& config, Diagnostics& out) {
  std::set<std::string> files;
  for (const auto& source : config.plan_sources) {
    add_source(config, source, files, out);
  }
  return {files.begin(), files.end()};
}

// Reads and parses one plan file. Out of memory on a huge file, say, refuses this file like
// any other bad file, so that the last good plans are kept rather than the process ending.
SnapshotLoader::CachedPlan SnapshotLoader::parse_one(const std::string& file, FileStamp stamp,
                                                     QuarterStyle quarters) {
  SnapshotLoader::CachedPlan entry;
  entry.stamp = stamp;
  entry.quarters = quarters;
  try {
    base::Result<std::string> text = read_file(file);
    if (!text) {
      entry.diagnostics.add(Diagnostic{
          file, 0, 0, "", "cannot read the plan: " + text.error().message, FileKind::plan});
      return entry;
    }
    auto plan = parse_plan(*text, file, quarters, entry.diagnostics);
    if (plan) {
      entry.read = std::make_shared<const Plan>(std::move(*plan));
      if (entry.diagnostics.empty()) {
        entry.plan = entry.read;
      }
    }
  } catch (const std::exception& failure) {
    entry.read.reset();
    entry.plan.reset();
    entry.diagnostics.add(Diagnostic{
        file, 0, 0, "", std::string("cannot read the plan: ") + failure.what(), FileKind::plan});
  }
  return entry;
}

LoadResult SnapshotLoader::load(const std::string& config_file) {
  LoadResult result;
  auto config = load_config(config_file, result.diagnostics);
  if (!config) {
    return result;
  }
  auto directory = load_directory(config->directory, result.diagnostics);
  std::vector<std::string> files = find_plan_files(*config, result.diagnostics);
  const std::string cache_file =
      cache_clock_ && !cache_used_ ? parse_cache_file(config->state) : std::string();
  parse_cache_problem_.clear();
  if (!cache_file.empty()) {
    read_parse_cache_once(cache_file);
  }
  refresh(files, config->quarters);
  if (!cache_file.empty()) {
    write_parse_cache_once(cache_file);
  }
  if (directory) {
    note_agencies(*directory);
  }
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->plans = collect(files, directory ? &*directory : nullptr, result.diagnostics);
  result.diagnostics.sort();
  if (result.diagnostics.empty() && directory) {
    snapshot->config = std::move(*config);
    snapshot->directory = std::move(*directory);
    result.snapshot = std::move(snapshot);
  }
  return result;
}

void SnapshotLoader::refresh(const std::vector<std::string>& files, QuarterStyle quarters) {
  // Which files need parsing: new ones, and those whose size, time or quarter style changed.
  std::vector<std::pair<std::string, FileStamp>> stale;
  std::map<std::string, CachedPlan> next;
  for (const auto& file : files) {
    FileStamp stamp = stamp_of(file);
    auto cached = cache_.find(file);
    if (stamp.size >= 0 && cached != cache_.end() && cached->second.stamp == stamp &&
        cached->second.quarters == quarters) {
      next.emplace(file, std::move(cached->second));
    } else {
      stale.emplace_back(file, stamp);
    }
  }
  std::vector<CachedPlan> parsed(stale.size());
  unsigned threads = threads_ != 0 ? threads_ : std::max(1u, std::thread::hardware_concurrency());
  for_each_in_parallel(stale.size(), threads, [&](std::size_t i) {
    parsed[i] = parse_one(stale[i].first, stale[i].second, quarters);
  });
  for (std::size_t i = 0; i < stale.size(); ++i) {
    next.insert_or_assign(stale[i].first, std::move(parsed[i]));
  }
  parsed_last_time_ = stale.size();
  cache_ = std::move(next);
}

void SnapshotLoader::read_parse_cache_once(const std::string& cache_file) {
  std::string problem;
  ParsedFiles files = read_parse_cache(cache_file, problem);
  // A missing cache is the first run's normal case, not a problem worth a log line.
  std::error_code ignored;
  if (std::filesystem::exists(cache_file, ignored)) {
    parse_cache_problem_ = problem;
  }
  for (auto& [path, parsed] : files) {
    CachedPlan entry;
    entry.stamp = parsed.stamp;
    entry.quarters = parsed.quarters;
    entry.plan = parsed.plan;
    entry.read = parsed.plan;
    cache_.insert_or_assign(path, std::move(entry));
  }
}

void SnapshotLoader::write_parse_cache_once(const std::string& cache_file) {
  cache_used_ = true;
  if (parsed_last_time_ == 0 && parse_cache_problem_.empty()) {
    return;  // every file came from the cache: it is up to date
  }
  ParsedFiles files;
  for (const auto& [path, entry] : cache_) {
    if (entry.plan && entry.diagnostics.empty()) {
      files.emplace(path, ParsedFile{entry.stamp, entry.quarters, entry.plan});
    }
  }
  std::string problem;
  if (!write_parse_cache(cache_file, files, cache_clock_(), problem)) {
    parse_cache_problem_ = problem;
  }
}

void SnapshotLoader::note_agencies(const Directory& directory) {
  std::string ids;
  for (const auto& [id, agency] : directory.agencies) {
    ids += id;
    ids += '\n';
  }
  if (ids != agency_ids_ || directory_generation_ == 0) {
    agency_ids_ = std::move(ids);
    ++directory_generation_;
  }
}

std::vector<std::shared_ptr<const Plan>> SnapshotLoader::collect(
    const std::vector<std::string>& files, const Directory* directory, Diagnostics& out) {
  // Checks across files, done every time because a directory edit can break a plan that did
  // not change.
  std::vector<std::shared_ptr<const Plan>> plans;
  std::map<std::string, const Plan*, std::less<>> reviews;
  for (const auto& file : files) {
    CachedPlan& entry = cache_.at(file);
    out.append(entry.diagnostics);
    if (!entry.read) {
      continue;
    }
    const Plan& plan = *entry.read;
    auto [first, inserted] = reviews.emplace(plan.review.id, &plan);
    if (!inserted && !plan.review.id.empty()) {
      out.add(Diagnostic{plan.file, plan.review.id_line, plan.review.id_column, "review.id",
                         "duplicate review id " + quote_value(plan.review.id) + " (also used by " +
                             first->second->file + ":" +
                             std::to_string(first->second->review.id_line) + ")",
                         FileKind::plan});
    }
    if (directory) {
      if (entry.checked_generation != directory_generation_) {
        entry.reference_diagnostics = Diagnostics();
        check_agency_references(plan, *directory, entry.reference_diagnostics);
        entry.checked_generation = directory_generation_;
      }
      out.append(entry.reference_diagnostics);
    }
    if (entry.plan) {
      plans.push_back(entry.plan);
    }
  }
  return plans;
}

}  // namespace plan_reminder::plan
