#include "plan/parse_cache.h"

#include "base/file_descriptor.h"
#include "base/write_all.h"
#include "plan/parallel.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace plan_reminder::plan {
namespace {

// Bumped whenever what is written changes. The program file's stamp (below) already keeps a
// cache from being read by another build; the format number also guards a rebuilt program
// whose file happens to keep size and times.
constexpr std::uint32_t kFormat = 2;
constexpr std::string_view kMagic = "plan-reminder parse cache\n";
// A cache larger than this is not read: far more than a national corpus needs (about 40 MiB).
constexpr std::size_t kMaxCacheBytes = std::size_t{1} << 30;
// Files changed this close to the moment the cache is written are left out: a further edit
// within the file system's timestamp granularity could keep the same stamp.
constexpr auto kRacyWindow = std::chrono::seconds(2);

// Every field of the model is written below; a field added to the model changes its size and
// stops the build here until it is written and read too (and kFormat is bumped).
static_assert(sizeof(Milestone) == 280, "Milestone changed: update parse_cache.cpp and kFormat");
static_assert(sizeof(Action) == 208, "Action changed: update parse_cache.cpp and kFormat");
static_assert(sizeof(Recommendation) == 96, "Recommendation changed: update parse_cache.cpp");
static_assert(sizeof(Review) == 120, "Review changed: update parse_cache.cpp and kFormat");
static_assert(sizeof(Plan) == 176, "Plan changed: update parse_cache.cpp and kFormat");
static_assert(std::variant_size_v<TargetMeaning> == 4, "TargetMeaning changed");

// Finds a damaged or truncated file (not an attacker: whoever can write the state folder can
// change the state itself). Eight bytes a step, as the cache is tens of megabytes read at every
// start; the bytes may come in parts, which give the same sum as all at once.
class Checksum {
 public:
  void add(std::string_view bytes) {
    std::size_t i = 0;
    for (; i < bytes.size() && held_ != 0; ++i) {
      take(static_cast<unsigned char>(bytes[i]));
    }
    for (; i + 8 <= bytes.size(); i += 8) {
      std::uint64_t word = 0;
      for (std::size_t b = 0; b < 8; ++b) {  // little-endian, whatever the machine's order
        word |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i + b])) << (8 * b);
      }
      sum_ = rotate(sum_ ^ word) * kMultiplier;
    }
    for (; i < bytes.size(); ++i) {
      take(static_cast<unsigned char>(bytes[i]));
    }
  }
  std::uint64_t value() const {
    std::uint64_t last = sum_;
    if (held_ != 0) {
      last = rotate(last ^ word_) * kMultiplier;
    }
    return last ^ (last >> 31);
  }

 private:
  static constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
  static std::uint64_t rotate(std::uint64_t x) { return (x << 29) | (x >> 35); }
  void take(unsigned char c) {
    word_ |= static_cast<std::uint64_t>(c) << (8 * held_);
    if (++held_ == 8) {
      sum_ = rotate(sum_ ^ word_) * kMultiplier;
      word_ = 0;
      held_ = 0;
    }
  }
  std::uint64_t sum_ = 14695981039346656037ULL;
  std::uint64_t word_ = 0;
  unsigned held_ = 0;
};

class Writer {
 public:
  void u64(std::uint64_t value) {
    std::array<char, 8> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<char>((value >> (8 * i)) & 0xFFU);
    }
    out_.append(bytes.data(), bytes.size());
  }
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void byte(unsigned value) { out_.push_back(static_cast<char>(value)); }
  void text(std::string_view value) {
    u64(value.size());
    out_.append(value);
  }
  void day(date::year_month_day value) { i64(date::sys_days(value).time_since_epoch().count()); }
  void optional_day(const std::optional<date::year_month_day>& value) {
    byte(value ? 1 : 0);
    if (value) {
      day(*value);
    }
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

struct Damaged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  std::uint64_t u64() {
    need(8);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(rest_[i])) << (8 * i);
    }
    rest_.remove_prefix(8);
    return value;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  int integer() {
    std::int64_t value = i64();
    if (value < 0 || value > 1'000'000'000) {
      throw Damaged("a number out of range");
    }
    return static_cast<int>(value);
  }
  unsigned byte(unsigned limit) {
    need(1);
    auto value = static_cast<unsigned char>(rest_[0]);
    rest_.remove_prefix(1);
    if (value > limit) {
      throw Damaged("a value out of range");
    }
    return value;
  }
  std::string text() { return std::string(view()); }
  // A text without copying it: it lives as long as the bytes read.
  std::string_view view() {
    std::uint64_t size = u64();
    need(size);
    std::string_view value = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return value;
  }
  // A count of items that each take at least one byte: never more than the bytes left, so a
  // damaged count cannot make the reader reserve memory for items that are not there.
  std::size_t count() {
    std::uint64_t value = u64();
    if (value > rest_.size()) {
      throw Damaged("a count larger than the file");
    }
    return value;
  }
  date::year_month_day day() {
    std::int64_t days = i64();
    if (days < -1'000'000 || days > 1'000'000) {
      throw Damaged("a date out of range");
    }
    return date::year_month_day{date::sys_days(date::days(days))};
  }
  std::optional<date::year_month_day> optional_day() {
    if (byte(1) == 0) {
      return std::nullopt;
    }
    return day();
  }
  bool done() const { return rest_.empty(); }

 private:
  void need(std::uint64_t size) const {
    if (size > rest_.size()) {
      throw Damaged("it ends early");
    }
  }
  std::string_view rest_;
};

void write_target(Writer& out, const Target& target) {
  out.text(target.wording);
  out.byte(static_cast<unsigned>(target.meaning.index()));
  if (const auto* day = std::get_if<date::year_month_day>(&target.meaning)) {
    out.day(*day);
  } else if (const auto* offset = std::get_if<PublicationOffset>(&target.meaning)) {
    out.i64(offset->count);
    out.byte(static_cast<unsigned>(offset->unit));
  }
}

Target read_target_from(Reader& in) {
  Target target;
  target.wording = in.text();
  switch (in.byte(3)) {
    case 0:
      target.meaning = in.day();
      break;
    case 1: {
      PublicationOffset offset;
      offset.count = in.integer();
      offset.unit = static_cast<PublicationOffset::Unit>(in.byte(3));
      target.meaning = offset;
      break;
    }
    case 2:
      target.meaning = Undated{};
      break;
    default:
      target.meaning = Ongoing{};
      break;
  }
  return target;
}

void write_agencies(Writer& out, const std::vector<AgencyRef>& agencies) {
  out.u64(agencies.size());
  for (const auto& agency : agencies) {
    out.text(agency.id);
    out.i64(agency.line);
    out.i64(agency.column);
  }
}

std::vector<AgencyRef> read_agencies(Reader& in) {
  std::vector<AgencyRef> agencies(in.count());
  for (auto& agency : agencies) {
    agency.id = in.text();
    agency.line = in.integer();
    agency.column = in.integer();
  }
  return agencies;
}

void write_milestone(Writer& out, const Milestone& milestone) {
  out.text(milestone.id);
  out.text(milestone.text);
  write_target(out, milestone.target);
  out.byte(milestone.revised_target ? 1 : 0);
  if (milestone.revised_target) {
    write_target(out, *milestone.revised_target);
  }
  out.optional_day(milestone.done);
  out.text(milestone.progress);
  out.u64(milestone.progress_notes.size());
  for (const auto& note : milestone.progress_notes) {
    out.day(note.on);
    out.text(note.text);
  }
  out.byte(milestone.not_implemented ? 1 : 0);
  if (milestone.not_implemented) {
    out.text(*milestone.not_implemented);
  }
  out.optional_day(milestone.quiet_until);
}

Milestone read_milestone(Reader& in) {
  Milestone milestone;
  milestone.id = in.text();
  milestone.text = in.text();
  milestone.target = read_target_from(in);
  if (in.byte(1) == 1) {
    milestone.revised_target = read_target_from(in);
  }
  milestone.done = in.optional_day();
  milestone.progress = in.text();
  milestone.progress_notes.resize(in.count());
  for (auto& note : milestone.progress_notes) {
    note.on = in.day();
    note.text = in.text();
  }
  if (in.byte(1) == 1) {
    milestone.not_implemented = in.text();
  }
  milestone.quiet_until = in.optional_day();
  return milestone;
}

void write_action(Writer& out, const Action& action) {
  out.text(action.id);
  out.text(action.text);
  write_agencies(out, action.lead);
  write_agencies(out, action.support);
  out.text(action.outcome);
  out.text(action.progress);
  out.byte(static_cast<unsigned>(action.status));
  out.u64(action.milestones.size());
  for (const auto& milestone : action.milestones) {
    write_milestone(out, milestone);
  }
}

Action read_action(Reader& in) {
  Action action;
  action.id = in.text();
  action.text = in.text();
  action.lead = read_agencies(in);
  action.support = read_agencies(in);
  action.outcome = in.text();
  action.progress = in.text();
  action.status = static_cast<ActionStatus>(in.byte(2));
  action.milestones.reserve(in.count());
  for (std::size_t i = action.milestones.capacity(); i > 0; --i) {
    action.milestones.push_back(read_milestone(in));
  }
  return action;
}

void write_plan(Writer& out, const Plan& plan) {
  out.text(plan.file);
  const Review& review = plan.review;
  out.text(review.id);
  out.i64(review.id_line);
  out.i64(review.id_column);
  out.text(review.title);
  out.text(review.partnership);
  out.optional_day(review.published);
  out.byte(static_cast<unsigned>(review.type));
  out.u64(plan.recommendations.size());
  for (const auto& recommendation : plan.recommendations) {
    out.text(recommendation.id);
    out.byte(static_cast<unsigned>(recommendation.scope));
    out.text(recommendation.text);
    out.u64(recommendation.actions.size());
    for (const auto& action : recommendation.actions) {
      write_action(out, action);
    }
  }
}

Plan read_plan(Reader& in) {
  Plan plan;
  plan.file = in.text();
  Review& review = plan.review;
  review.id = in.text();
  review.id_line = in.integer();
  review.id_column = in.integer();
  review.title = in.text();
  review.partnership = in.text();
  review.published = in.optional_day();
  review.type = static_cast<ReviewType>(in.byte(static_cast<unsigned>(ReviewType::owhr)));
  plan.recommendations.resize(in.count());
  for (auto& recommendation : plan.recommendations) {
    recommendation.id = in.text();
    recommendation.scope = static_cast<Scope>(in.byte(2));
    recommendation.text = in.text();
    std::size_t actions = in.count();
    recommendation.actions.reserve(actions);
    for (std::size_t i = 0; i < actions; ++i) {
      recommendation.actions.push_back(read_action(in));
    }
  }
  return plan;
}

void write_stamp(Writer& out, const FileStamp& stamp) {
  out.u64(stamp.device);
  out.u64(stamp.inode);
  out.i64(stamp.size);
  out.i64(stamp.modified_ns);
  out.i64(stamp.changed_ns);
}

FileStamp read_stamp(Reader& in) {
  FileStamp stamp;
  stamp.device = in.u64();
  stamp.inode = in.u64();
  stamp.size = in.i64();
  stamp.modified_ns = in.i64();
  stamp.changed_ns = in.i64();
  return stamp;
}

// A file mapped for reading, unmapped when this goes: the cache is read in place, not copied
// into memory of its own. Files are replaced by renaming, never written in place, so the
// mapped bytes do not change under the reader.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_ != nullptr) {
      ::munmap(data_, size_);
    }
  }

  // "" once mapped, else why not.
  std::string open(const std::string& path, std::size_t max_bytes) {
    base::FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat status {};
    if (!fd || ::fstat(fd.get(), &status) != 0) {
      return std::strerror(errno);
    }
    if (!S_ISREG(status.st_mode)) {
      return "not a regular file";
    }
    if (static_cast<std::uint64_t>(status.st_size) > max_bytes) {
      return "larger than " + std::to_string(max_bytes) + " bytes";
    }
    size_ = static_cast<std::size_t>(status.st_size);
    if (size_ == 0) {
      return "";
    }
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
    if (data == MAP_FAILED) {
      size_ = 0;
      return std::strerror(errno);
    }
    data_ = data;
    return "";
  }
  std::string_view bytes() const {
    return data_ == nullptr ? std::string_view()
                            : std::string_view(static_cast<char*>(data_), size_);
  }
  // Gives back the memory of the bytes before `offset`, read and not needed again: a national
  // corpus's cache is tens of megabytes, resident beside the plans made from it unless
  // dropped as they are made. Only whole blocks of kReleaseBlock bytes go, so that no page
  // cache folio (2 MiB at most) is split: reading a byte of a split one maps all of it back.
  // Advice only: the bytes stay readable (from the file), and where the kernel declines, the
  // memory is given back at the unmapping.
  void release_before(std::size_t offset) {
    const std::size_t end = std::min(offset, size_) / kReleaseBlock * kReleaseBlock;
    if (end > released_) {
      ::madvise(static_cast<char*>(data_) + released_, end - released_, MADV_DONTNEED);
      released_ = end;
    }
  }

 private:
  static constexpr std::size_t kReleaseBlock = std::size_t{2} << 20;
  void* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t released_ = 0;
};

// Which entries of the cache are read, so that the mapping is given back behind the first one
// still being read (the threads take entries in file order, so that one is never far back).
class ReadEntries {
 public:
  ReadEntries(MappedFile& mapped, const std::vector<std::string_view>& entries)
      : mapped_(mapped), entries_(entries), read_(entries.size(), false) {}

  void read(std::size_t index) {
    const std::lock_guard lock(mutex_);
    read_[index] = true;
    while (first_unread_ < read_.size() && read_[first_unread_]) {
      ++first_unread_;
    }
    const std::string_view all = mapped_.bytes();
    mapped_.release_before(
        first_unread_ < entries_.size()
            ? static_cast<std::size_t>(entries_[first_unread_].data() - all.data())
            : all.size());
  }

 private:
  MappedFile& mapped_;
  const std::vector<std::string_view>& entries_;
  std::mutex mutex_;
  std::vector<bool> read_;
  std::size_t first_unread_ = 0;
};

// The program file that writes or reads the cache, by its stamp: a rebuilt or upgraded
// program never reads a cache an older one wrote, whatever changed in the model.
std::string program_stamp() {
  FileStamp stamp = stamp_of("/proc/self/exe");
  Writer out;
  write_stamp(out, stamp);
  out.u64(kFormat);
  return out.bytes();
}

std::int64_t to_ns(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}

}  // namespace

FileStamp stamp_of(const std::string& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) {
    return {};
  }
  auto ns = [](const timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
  };
  return {status.st_dev, status.st_ino, status.st_size, ns(status.st_mtim), ns(status.st_ctim)};
}

std::string parse_cache_file(const std::string& state_location) {
  if (state_location.rfind("postgresql:", 0) == 0 || state_location.rfind("postgres:", 0) == 0) {
    const char* folder = std::getenv("CACHE_DIRECTORY");
    if (folder == nullptr || *folder == '\0') {
      return "";
    }
    // systemd may give several folders separated by colons: the first is the service's own.
    std::string first(folder);
    first = first.substr(0, first.find(':'));
    return (std::filesystem::path(first) / "plan-cache").string();
  }
  if (state_location.empty()) {
    return "";
  }
  return state_location + ".plan-cache";
}

ParsedFiles read_parse_cache(const std::string& cache_file, std::string& problem) {
  MappedFile mapped;
  if (std::string error = mapped.open(cache_file, kMaxCacheBytes); !error.empty()) {
    problem = "cannot read " + cache_file + ": " + error;
    return {};
  }
  const std::string_view bytes = mapped.bytes();
  try {
    if (bytes.substr(0, kMagic.size()) != kMagic) {
      throw Damaged("it is not a parse cache");
    }
    Reader header(bytes.substr(kMagic.size()));
    if (header.view() != program_stamp()) {
      problem = cache_file + " was written by another build of plan-reminder";
      return {};
    }
    std::uint64_t expected = header.u64();
    std::string_view payload = header.view();
    Checksum sum;
    sum.add(payload);
    if (!header.done() || sum.value() != expected) {
      throw Damaged("its checksum does not match");
    }
    // Each entry is framed, so that they are found first and then read on every core: making
    // a national corpus's model is most of the time the cache takes.
    // The paths are copied now, as the mapping is given back while the plans are read.
    Reader in(payload);
    const std::size_t count = in.count();
    std::vector<std::string> paths(count);
    std::vector<std::string_view> framed(count);
    for (std::size_t i = 0; i < count; ++i) {
      paths[i] = in.text();
      framed[i] = in.view();
    }
    if (!in.done()) {
      throw Damaged("it has bytes after its last entry");
    }
    std::vector<ParsedFile> entries(count);
    ReadEntries read(mapped, framed);
    for_each_in_parallel(count, std::max(1u, std::thread::hardware_concurrency()),
                         [&](std::size_t i) {
                           Reader entry_in(framed[i]);
                           ParsedFile& entry = entries[i];
                           entry.stamp = read_stamp(entry_in);
                           entry.quarters = static_cast<QuarterStyle>(entry_in.byte(1));
                           entry.plan = std::make_shared<const Plan>(read_plan(entry_in));
                           if (!entry_in.done()) {
                             throw Damaged("an entry has bytes after its plan");
                           }
                           read.read(i);
                         });
    ParsedFiles files;
    for (std::size_t i = 0; i < count; ++i) {
      files.insert_or_assign(std::move(paths[i]), std::move(entries[i]));
    }
    return files;
  } catch (const Damaged& damage) {
    problem = cache_file + " is damaged (" + damage.what() + "); it is ignored and written again";
  }
  return {};
}

bool write_parse_cache(const std::string& cache_file, const ParsedFiles& files,
                       std::chrono::system_clock::time_point now, std::string& problem) {
  const std::int64_t racy_from = to_ns(now - kRacyWindow);
  std::size_t kept = 0;
  Writer entries;
  Writer entry;
  for (const auto& [path, parsed] : files) {
    if (!parsed.plan || parsed.stamp.modified_ns >= racy_from ||
        parsed.stamp.changed_ns >= racy_from) {
      continue;
    }
    ++kept;
    entry.bytes().clear();
    write_stamp(entry, parsed.stamp);
    entry.byte(static_cast<unsigned>(parsed.quarters));
    write_plan(entry, *parsed.plan);
    entries.text(path);
    entries.text(entry.bytes());
  }
  // The payload is the count, then the entries: written in two parts rather than copied
  // into one, as a national corpus's entries are tens of megabytes.
  Writer count;
  count.u64(kept);
  Checksum sum;
  sum.add(count.bytes());
  sum.add(entries.bytes());
  Writer head;
  head.bytes() = std::string(kMagic);
  head.text(program_stamp());
  head.u64(sum.value());
  head.u64(count.bytes().size() + entries.bytes().size());
  head.bytes() += count.bytes();

  std::string temporary = cache_file + ".tmp." + std::to_string(::getpid());
  base::FileDescriptor fd(
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd || !base::write_all(fd.get(), head.bytes()) ||
      !base::write_all(fd.get(), entries.bytes()) || fd.close() != 0 ||
      ::rename(temporary.c_str(), cache_file.c_str()) != 0) {
    problem = "cannot write " + cache_file + ": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

}  // namespace plan_reminder::plan
