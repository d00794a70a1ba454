// Tests for the long-running service (service/daemon.h) in-process, on a clock the test moves
// by hand: the 09:00 email exactly once, a pass across the send time, restarts, a stop in the
// middle of a batch, and reloads (plan, config, template and directory edits seen by the file
// watch, a bad edit kept out and reported once, SIGHUP). The deployment is the example's
// 'David' plan in a fresh folder; Monday 2 March 2020's pass is done first, and the daemon
// starts just before Tuesday's 09:00. A recording transport stands in for the mail server.
// Nothing here waits on the clock: the io_context runs until the event the test waits for
// (bounded, to fail rather than hang).
#include "service/daemon.h"
#include "service/delivery_fixture.h"
#include "service/fake_wake_timer.h"
#include "service/wall_clock_timer.h"
#include "support/postgres_cluster.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace plan_reminder::service::testing {
namespace {

using namespace std::chrono_literals;
using plan_reminder::test_support::TempDir;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// In early March London is on GMT: these are local times too.
const date::sys_seconds kMonday = date::sys_days{date::year{2020} / date::March / 2} + 9h;
const date::sys_seconds kTuesday = date::sys_days{date::year{2020} / date::March / 3} + 9h;
const date::sys_seconds kWednesdayDigest =
    date::sys_days{date::year{2020} / date::March / 4} + 8h + 30min;

// As the daemon tells systemd of its next pass.
const char* const kNextPassTuesday = "next pass Tue 3 Mar 2020 09:00;";
const char* const kNextPassWednesday = "next pass Wed 4 Mar 2020 08:30;";

// 1.2's milestone "Pathway in place" (WWiN and the police), due 31 March 2020: Tuesday's
// reminder is the police's only email that day.
const char* const kPathway =
    "          - id: pathway\n            text: Pathway in place\n            target: March "
    "2020\n";
const char* const kPathwayDone =
    "          - id: pathway\n            text: Pathway in place\n            target: March "
    "2020\n            done: 2020-03-02\n";
const char* const kStaffGroups = "            text: Staff groups identified for S&T training\n";
const char* const kStaffGroupsEdited =
    "            text: Staff groups identified for S&T training (edited)\n";
// 1.1's milestone "Research scoping document produced" (WWiN), with a target that is an error.
const char* const kScoping =
    "            text: Research scoping document produced\n            target: March 2020\n";
const char* const kScopingBad =
    "            text: Research scoping document produced\n            target: Spring 2020\n";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Saves as editors do: a new file in the same folder, renamed over the old one.
void replace_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path temporary = path;
  temporary += ".tmp-edit";
  write_text(temporary, text);
  std::filesystem::rename(temporary, path);
}

std::string replaced(const std::string& text, const std::string& old, const std::string& now) {
  auto at = text.find(old);
  if (at == std::string::npos || text.find(old, at + 1) != std::string::npos) {
    throw std::runtime_error("not exactly one '" + old + "' to replace");
  }
  return text.substr(0, at) + now + text.substr(at + old.size());
}

struct SentMessage {
  std::vector<std::string> recipients;
  std::string raw;

  std::string header(const std::string& name) const { return header_of(raw, name); }
};

// What the transports handed to the daemon sent; they send on its worker thread. A test may
// hold one send in flight (a slow server) until it lets it go.
class PostOffice {
 public:
  void record(const std::string& transport, SentMessage message) {
    std::unique_lock lock(mutex_);
    sent_.push_back(std::move(message));
    by_.push_back(transport);
    if (hold_at_ && sent_.size() == *hold_at_) {
      in_flight_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    }
  }
  std::vector<SentMessage> sent(std::size_t from = 0) const {
    std::lock_guard lock(mutex_);
    return {sent_.begin() + static_cast<std::ptrdiff_t>(std::min(from, sent_.size())), sent_.end()};
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }
  std::vector<std::string> transports() const {
    std::lock_guard lock(mutex_);
    return by_;
  }
  // The `number`th send from now on (1: the next) waits, in flight, until release().
  void hold(std::size_t number) {
    std::lock_guard lock(mutex_);
    hold_at_ = sent_.size() + number;
    in_flight_ = released_ = false;
  }
  // Waits (bounded) until the held send is in flight.
  bool wait_in_flight() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 20s, [&] { return in_flight_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  // The grace a stop gave the message in flight (Transport::interrupt), if it was called.
  void interrupted(std::chrono::steady_clock::duration grace) {
    std::lock_guard lock(mutex_);
    grace_ = grace;
  }
  std::optional<std::chrono::steady_clock::duration> grace() const {
    std::lock_guard lock(mutex_);
    return grace_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<SentMessage> sent_;
  std::vector<std::string> by_;
  std::optional<std::size_t> hold_at_;
  bool in_flight_ = false;
  bool released_ = false;
  std::optional<std::chrono::steady_clock::duration> grace_;
};

class RecordingTransport final : public mail::Transport {
 public:
  RecordingTransport(PostOffice& office, std::string name)
      : office_(office), name_(std::move(name)) {}
  mail::SendResult send(std::string_view, const std::vector<std::string>& recipients,
                        std::string_view raw) override {
    office_.record(name_, {recipients, std::string(raw)});
    return {};
  }
  void interrupt(std::chrono::steady_clock::duration grace) override { office_.interrupted(grace); }
  std::string describe() const override { return name_; }

 private:
  PostOffice& office_;
  std::string name_;
};

// Every log line, as "[level] text".
class LogLines final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::string line(formatted.data(), formatted.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.pop_back();
    }
    lines_.push_back(std::move(line));
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() : folder_(dir_.path()), log_(std::make_shared<LogLines>()) {
    std::filesystem::create_directories(folder_ / "plans");
    const std::filesystem::path source(PR_SOURCE_DIR);
    std::filesystem::copy_file(source / "config" / "agencies.yaml", folder_ / "agencies.yaml");
    std::filesystem::copy_file(source / "config" / "plans" / "david.yaml", plan_);
    original_plan_ = read_text(plan_);
    write_text(config_,
               "timezone: Europe/London\n"
               "plans: plans/*.yaml\n"
               "directory: agencies.yaml\n"
               "templates: " +
                   (source / "templates").string() +
                   "\n"
                   "state: state.db\n"
                   "from: \"Safer Sunderland Partnership <dhr-actions@partnership."
                   "example.org>\"\n"
                   "calendar:\n  holidays: england-and-wales\n"
                   "transport:\n  maildir: Maildir\n");
    auto logger = std::make_shared<spdlog::logger>("daemon-test", log_);
    logger->set_pattern("[%l] %v");
    logger->set_level(spdlog::level::debug);
    previous_logger_ = spdlog::default_logger();
    spdlog::set_default_logger(logger);
  }

  ~DaemonTest() override {
    if (daemon_) {
      office_.release();  // a send a failed test left held
      Stop(SIGTERM);
    }
    spdlog::set_default_logger(previous_logger_);
  }

  Deployment Load() {
    DeploymentLoader loader;
    DeploymentLoad load = loader.load(config_.string());
    if (!load.deployment) {
      std::string lines;
      for (const auto& line : load.diagnostics.lines()) {
        lines += line + "\n";
      }
      throw std::runtime_error("the test deployment does not load:\n" + lines);
    }
    return std::move(*load.deployment);
  }

  // Monday's pass, as `run --once --now 2020-03-02T09:00` does it: the digest and Monday's
  // notices.
  void Prime() {
    Deployment deployment = Load();
    auto store = store::StateStore::open(state_.string());
    RecordingTransport transport(office_, "prime");
    PassRunner runner(*deployment.snapshot, *deployment.templates, *store, transport);
    PassReport report = runner.run(kMonday);
    ASSERT_EQ(report.failed + report.retrying, 0u) << report.summary();
    primed_ = office_.count();
    ASSERT_GE(primed_, 1u) << "Monday's pass sends the digest at least";
  }

  // The Message-IDs a pass at `at` would send from the state as it is now (before the daemon
  // touches it), on a copy: what `run --once` would send.
  std::multiset<std::string> WhatAPassWouldSend(date::sys_seconds at) {
    TempDir copy{"plan-reminder-daemon-reference"};
    if (std::filesystem::exists(state_)) {
      std::filesystem::copy_file(state_, copy.path() / "state.db");
    }
    Deployment deployment = Load();
    auto store = store::StateStore::open((copy.path() / "state.db").string());
    PostOffice office;
    RecordingTransport transport(office, "reference");
    PassRunner runner(*deployment.snapshot, *deployment.templates, *store, transport);
    runner.run(at);
    std::multiset<std::string> ids;
    for (const auto& message : office.sent()) {
      ids.insert(message.header("Message-ID"));
    }
    return ids;
  }

  void StartDaemon(date::sys_seconds at, Daemon::Options options = {}) {
    timer_ = std::make_unique<FakeWakeTimer>(io_, at);
    DeploymentLoader loader;
    DeploymentLoad load = loader.load(config_.string());
    ASSERT_TRUE(load.deployment);
    options.config_file = config_.string();
    options.settle = 20ms;
    daemon_ = std::make_unique<Daemon>(io_, *timer_, std::move(options), std::move(loader),
                                       std::move(*load.deployment),
                                       store::StateStore::open(state_.string()),
                                       std::make_unique<RecordingTransport>(office_, "first"));
    daemon_->start();
    RunUntilIdle();
  }

  // Monday's pass, then the daemon from just before Tuesday's 09:00 until the first of
  // Tuesday's messages is in flight, held there as by a slow server; `expected` gets the
  // Message-IDs Tuesday's pass sends.
  void HoldTuesdaysFirstMessage(std::multiset<std::string>& expected) {
    Prime();
    expected = WhatAPassWouldSend(kTuesday);
    StartDaemon(kTuesday - 5s);
    office_.hold(1);
    timer_->advance_to(kTuesday);
    RunUntil([&] { return office_.count() > primed_; }, "the first message in flight");
    ASSERT_TRUE(office_.wait_in_flight());
  }

  // Signals the daemon and runs it until its loop ends (the message in flight recorded).
  void Stop(int signal) {
    ::raise(signal);
    io_.run_for(20s);
    EXPECT_TRUE(io_.stopped()) << "the daemon did not stop on signal " << signal << "\n" << Log();
    daemon_.reset();
    io_.restart();
  }

  // Runs the daemon's loop until `done`, for at most 20 s of real time (then fails).
  void RunUntil(const std::function<bool()>& done, const std::string& what) {
    const auto give_up = std::chrono::steady_clock::now() + 20s;
    while (!done()) {
      timer_->fire_if_due();
      if (std::chrono::steady_clock::now() > give_up) {
        FAIL() << "waited 20 s for " << what << "\n" << Log();
      }
      io_.run_one_for(50ms);
    }
  }

  // No pass running, and the next wake-up set for a moment still to come.
  bool Idle() const {
    auto deadline = timer_->deadline();
    return deadline && *deadline > timer_->now();
  }
  void RunUntilIdle() {
    RunUntil([this] { return Idle(); }, "the daemon to wait for its next wake-up");
  }

  // Moves the service's time on to `moment`, running every wake-up on the way.
  void AdvanceTo(date::sys_seconds moment) {
    while (timer_->deadline() && *timer_->deadline() <= moment && !HasFailure()) {
      timer_->advance_to(*timer_->deadline());
      RunUntilIdle();
    }
    timer_->advance_to(moment);
  }

  // Runs the loop until the log has `count` lines containing `text`, then until idle.
  void RunUntilLogged(const std::string& text, std::size_t count = 1) {
    RunUntil([&] { return Logged(text) >= count; },
             count == 1 ? "'" + text + "' in the log"
                        : std::to_string(count) + " '" + text + "' in the log");
    RunUntilIdle();
  }

  std::size_t Logged(const std::string& text) {
    std::size_t count = 0;
    for (const auto& line : log_->lines()) {
      count += line.find(text) != std::string::npos ? 1 : 0;
    }
    return count;
  }
  std::string Log() {
    std::string all;
    for (const auto& line : log_->lines()) {
      all += line + "\n";
    }
    return all;
  }

  // The messages sent after Monday's pass.
  std::vector<SentMessage> SincePrime() { return office_.sent(primed_); }

  static std::multiset<std::string> Ids(const std::vector<SentMessage>& messages) {
    std::multiset<std::string> ids;
    for (const auto& message : messages) {
      ids.insert(message.header("Message-ID"));
    }
    return ids;
  }

  static bool IsProblemNotice(const SentMessage& message) {
    return message.header("Subject").rfind("[plan-reminder] Plan files not loaded", 0) == 0;
  }

  TempDir dir_{"plan-reminder-daemon"};
  const std::filesystem::path folder_;
  const std::filesystem::path config_ = folder_ / "plan-reminder.yaml";
  const std::filesystem::path plan_ = folder_ / "plans" / "david.yaml";
  const std::filesystem::path state_ = folder_ / "state.db";
  std::string original_plan_;
  std::shared_ptr<LogLines> log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
  PostOffice office_;
  std::size_t primed_ = 0;
  boost::asio::io_context io_;
  std::unique_ptr<FakeWakeTimer> timer_;
  std::unique_ptr<Daemon> daemon_;
};

// Tests how far the system clock was set between two readings: what the wall clock moved
// beyond the steady clock, either way; time synchronisation's small steps are not a change of
// the service's time, an NTP step of a minute or a change by hand are.
TEST(WallClockTimerTest, TheClockIsSetByWhatItMovedBeyondTheSteadyClock) {
  const ClockReading before = ClockReading::now();
  auto after = [&](std::chrono::milliseconds system, std::chrono::milliseconds steady) {
    return ClockReading{before.system + system, before.steady + steady};
  };
  EXPECT_EQ(clock_set_by(before, after(10s, 10s)), 0ns);
  EXPECT_EQ(clock_set_by(before, after(10s + 300ms, 10s)), 300ms);
  EXPECT_EQ(clock_set_by(before, after(9s, 10s)), -1s);
  EXPECT_EQ(clock_set_by(before, after(-1h, 2s)), -1h - 2s);
  EXPECT_LT(clock_set_by(before, after(10s + 999ms, 10s)), smallest_clock_change);
  EXPECT_GE(clock_set_by(before, after(70s, 10s)), smallest_clock_change);
}

// Tests that the daemon started 5 seconds before Tuesday's 09:00 sends nothing at once (it is
// before the send time and Monday's pass is done) and waits for 09:00; at 09:00 it sends
// exactly what a pass at 09:00 sends, each once, dated 09:00; then it waits for Wednesday's
// 08:30 with nothing more sent (a wake-up an hour later at most, and no pass repeated);
// SIGTERM ends it.
TEST_F(DaemonTest, TheEmailDueAtNineArrivesExactlyOnce) {
  Prime();
  const auto expected = WhatAPassWouldSend(kTuesday);
  ASSERT_GE(expected.size(), 5u);
  StartDaemon(kTuesday - 5s);
  EXPECT_THAT(SincePrime(), IsEmpty()) << "sent before 09:00";
  EXPECT_EQ(timer_->deadline(), kTuesday);
  EXPECT_THAT(daemon_->status_line(), HasSubstr(kNextPassTuesday));

  AdvanceTo(kTuesday);
  const auto received = SincePrime();
  EXPECT_EQ(Ids(received), expected);
  for (const auto& message : received) {
    EXPECT_EQ(message.header("Date"), "Tue, 03 Mar 2020 09:00:00 +0000");
  }
  EXPECT_THAT(daemon_->status_line(), HasSubstr(kNextPassWednesday));
  EXPECT_EQ(timer_->deadline(), kTuesday + 1h) << "the hourly check, not a loop";
  const std::string summary = std::to_string(expected.size()) + " queued, " +
                              std::to_string(expected.size()) + " delivered, 0 to retry, 0 failed";
  EXPECT_EQ(Logged("pass: " + summary), 1u) << Log();

  const std::size_t waits = timer_->waits().size();
  AdvanceTo(kWednesdayDigest - 1s);
  EXPECT_EQ(SincePrime().size(), received.size()) << "sent something when nothing was due";
  EXPECT_LE(timer_->waits().size() - waits, 24u) << "woke more than hourly";
  EXPECT_THAT(Log(), Not(HasSubstr("[error]")));

  Stop(SIGTERM);
  EXPECT_EQ(Logged("stopping on signal 15"), 1u) << Log();
}

// Tests that a first pass (a catch-up digest on a fresh state, to a slow server) that ends
// after 09:00 has struck does not skip the 09:00 send: it runs as soon as that pass is over,
// and the next pass is then Wednesday's.
TEST_F(DaemonTest, APassRunningAcrossTheSendTimeDoesNotSkipIt) {
  const auto expected = WhatAPassWouldSend(kTuesday);  // from nothing: digest and notices
  office_.hold(1);
  timer_ = nullptr;
  std::thread slow_server([&] {
    if (office_.wait_in_flight()) {
      timer_->advance_to(kTuesday + 2s);  // the digest took 3 seconds
    }
    office_.release();
  });
  StartDaemon(kTuesday - 1s);
  slow_server.join();
  AdvanceTo(kTuesday + 2s);
  const auto received = office_.sent();
  ASSERT_FALSE(received.empty());
  EXPECT_THAT(received[0].header("Subject"), HasSubstr("Weekly DHR action plan digest"))
      << "the digest first";
  std::multiset<std::string> ids = Ids(received);
  EXPECT_EQ(ids.size(), expected.size());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "one each";
  EXPECT_THAT(daemon_->status_line(), HasSubstr(kNextPassWednesday));
}

// Tests that a restart sends nothing twice: started again later that morning, the catch-up
// pass sends nothing (and SIGINT stops it as SIGTERM does); started again before 09:00, it
// passes through 09:00 and still sends nothing.
TEST_F(DaemonTest, ARestartSendsNothingTwice) {
  Prime();
  StartDaemon(kTuesday - 5s);
  AdvanceTo(kTuesday);
  const std::size_t sent = office_.count();
  ASSERT_GT(sent, primed_);
  Stop(SIGTERM);

  StartDaemon(kTuesday + 10min);
  EXPECT_EQ(office_.count(), sent) << "the restart sent again";
  EXPECT_THAT(daemon_->status_line(), HasSubstr(kNextPassWednesday));
  Stop(SIGINT);
  EXPECT_EQ(Logged("stopping on signal 2"), 1u) << Log();

  StartDaemon(kTuesday - 2s);
  AdvanceTo(kTuesday + 1s);
  EXPECT_EQ(office_.count(), sent) << "the 09:00 pass after a restart sent again";
  EXPECT_THAT(daemon_->status_line(), HasSubstr(kNextPassWednesday));
}

// Tests that SIGTERM while a message is in flight gives that message 20 seconds to finish (the
// unit allows 30 s to stop), records it, stops the batch there, and loses nothing: restarted
// at 09:05 the daemon sends the rest, so that each of Tuesday's messages arrives exactly once.
TEST_F(DaemonTest, SigtermFinishesTheMessageInFlightAndLosesNothing) {
  std::multiset<std::string> expected;
  ASSERT_NO_FATAL_FAILURE(HoldTuesdaysFirstMessage(expected));
  ::raise(SIGTERM);
  RunUntil([&] { return Logged("stopping on signal 15 after the message in flight") > 0; },
           "the stop");
  EXPECT_EQ(office_.grace(), std::chrono::steady_clock::duration(20s));
  office_.release();
  io_.run_for(20s);
  ASSERT_TRUE(io_.stopped()) << Log();
  daemon_.reset();
  io_.restart();
  EXPECT_EQ(SincePrime().size(), 1u) << "the batch went on after the stop";
  {
    auto store = store::StateStore::open(state_.string());
    EXPECT_EQ(store->queued_count(), expected.size() - 1);
  }

  StartDaemon(kTuesday + 5min);
  EXPECT_EQ(Ids(SincePrime()), expected);
}

// Tests that two edits while the daemon waits for 09:00 are picked up with no signal: `done:`
// on 1.2's milestone saved in place, and a new text for 2.3's milestone saved as editors do.
// At 09:00 the police (whose only email was 1.2's) get nothing and TfC's email has the new
// text; no error is logged.
TEST_F(DaemonTest, APlanEditIsPickedUpWithoutASignal) {
  Prime();
  StartDaemon(kTuesday - 15s);
  std::string text = replaced(original_plan_, kPathway, kPathwayDone);
  write_text(plan_, text);
  RunUntilLogged("[info] reloaded (a watched file changed): 1 plan");
  text = replaced(text, kStaffGroups, kStaffGroupsEdited);
  replace_file(plan_, text);
  RunUntilLogged("[info] reloaded (a watched file changed): 1 plan", 2);
  EXPECT_FALSE(std::filesystem::exists(plan_.string() + ".tmp-edit"));
  const auto expected = WhatAPassWouldSend(kTuesday);  // from the plan as it is now

  AdvanceTo(kTuesday);
  const auto received = SincePrime();
  EXPECT_EQ(Ids(received), expected);
  std::vector<std::string> subjects;
  for (const auto& message : received) {
    EXPECT_THAT(message.recipients, Not(Contains("dhr-lead@police.example.org")));
    subjects.push_back(message.header("Subject"));
  }
  EXPECT_THAT(subjects, Contains("[Safer Sunderland Partnership] Due in 28 days: 2.3 Staff "
                                 "groups identified for S&T training (edited)"));
  EXPECT_THAT(Log(), Not(HasSubstr("[error]")));
}

// Tests that a plan edit and a SIGHUP during a pass wait for it: the batch finishes with the
// plans it started with, then the daemon reloads once ("a change during the pass") and runs a
// pass that sends nothing; each message arrives once.
TEST_F(DaemonTest, AnEditDuringAPassIsReloadedAfterIt) {
  std::multiset<std::string> expected;
  ASSERT_NO_FATAL_FAILURE(HoldTuesdaysFirstMessage(expected));
  write_text(plan_, replaced(original_plan_, kStaffGroups, kStaffGroupsEdited));
  ::raise(SIGHUP);
  // Both the watch and the signal arrive while the pass runs.
  RunUntil(
      [&] {
        return Logged("reload (SIGHUP) waits for the pass") == 1 &&
               Logged("reload (a watched file changed) waits for the pass") >= 1;
      },
      "the SIGHUP and the edit during the pass");
  office_.release();
  RunUntilLogged("[info] reloaded (a change during the pass): 1 plan");
  EXPECT_EQ(Ids(SincePrime()), expected);
  EXPECT_EQ(Logged("reloaded ("), 1u) << Log();
  EXPECT_EQ(Logged("pass: "), 1u) << Log();
  EXPECT_THAT(daemon_->status_line(), HasSubstr(kNextPassWednesday));
}

// Tests that edits to the other files of a deployment are picked up with no signal: the
// config (switched to a copy of the templates), a template in that copy (the watch follows
// the config to the new folder) and the agency directory (a new address for the police). At
// 09:00 every email has the edited subject and the police's goes to the new address only.
TEST_F(DaemonTest, ConfigTemplateAndDirectoryEditsArePickedUp) {
  Prime();
  StartDaemon(kTuesday - 15s);
  const std::string reloaded = "[info] reloaded (a watched file changed): 1 plan";
  const std::filesystem::path templates = folder_ / "templates";
  std::filesystem::copy(std::filesystem::path(PR_SOURCE_DIR) / "templates", templates,
                        std::filesystem::copy_options::recursive);
  replace_file(
      config_,
      replaced(read_text(config_),
               "templates: " + (std::filesystem::path(PR_SOURCE_DIR) / "templates").string() + "\n",
               "templates: templates\n"));
  RunUntilLogged(reloaded, 1);
  const std::filesystem::path subject = templates / "reminder.subject.mustache";
  write_text(subject,
             replaced(read_text(subject), "[{{partnership}}]", "[{{partnership}}] [edited]"));
  RunUntilLogged(reloaded, 2);
  const std::filesystem::path agencies = folder_ / "agencies.yaml";
  replace_file(agencies, replaced(read_text(agencies), "to: [dhr-lead@police.example.org]",
                                  "to: [dhr-new@police.example.org]"));
  RunUntilLogged(reloaded, 3);

  AdvanceTo(kTuesday);
  const auto received = SincePrime();
  ASSERT_GE(received.size(), 5u);
  std::size_t to_new_address = 0;
  for (const auto& message : received) {
    EXPECT_EQ(message.header("Subject").rfind("[Safer Sunderland Partnership] [edited] ", 0), 0u)
        << message.header("Subject");
    EXPECT_THAT(message.recipients, Not(Contains("dhr-lead@police.example.org")));
    for (const auto& recipient : message.recipients) {
      to_new_address += recipient == "dhr-new@police.example.org" ? 1 : 0;
    }
  }
  EXPECT_EQ(to_new_address, 1u);
  EXPECT_THAT(Log(), Not(HasSubstr("[error]")));
}

// Tests that a bad edit (a target of "Spring 2020") is refused and survived: the log gives the
// error as file:line:column, the coordinator gets one "Plan files not loaded" email; the same
// file saved again and a SIGHUP are refused too and email nobody; at 09:00 the last good plans
// are used; the fix is reloaded and emails nobody.
TEST_F(DaemonTest, ABadEditIsSurvivedAndReportedOnce) {
  Prime();
  const auto expected = WhatAPassWouldSend(kTuesday);
  StartDaemon(kTuesday - 15s);
  const std::string bad = replaced(original_plan_, kScoping, kScopingBad);
  // Where the error is: the line of the bad target and the column of its value.
  const std::size_t at = bad.find("target: Spring 2020");
  const std::size_t line = static_cast<std::size_t>(std::count(
                               bad.begin(), bad.begin() + static_cast<std::ptrdiff_t>(at), '\n')) +
                           1;
  const std::size_t column = at - bad.rfind('\n', at) + std::string("target: ").size();
  const std::string location =
      plan_.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";

  write_text(plan_, bad);
  RunUntilLogged(
      "[error] reload (a watched file changed) refused: 1 problem; keeping the "
      "last good plans");
  EXPECT_EQ(Logged("[error] " + location), 1u) << Log();
  EXPECT_THAT(Log(), HasSubstr("\"Spring 2020\""));
  auto problems = [&] {
    std::vector<SentMessage> out;
    for (auto& message : SincePrime()) {
      if (IsProblemNotice(message)) {
        out.push_back(std::move(message));
      }
    }
    return out;
  };
  ASSERT_EQ(problems().size(), 1u);
  EXPECT_EQ(problems()[0].header("Subject"),
            "[plan-reminder] Plan files not loaded: 1 problem to fix");
  EXPECT_EQ(problems()[0].recipients,
            std::vector<std::string>{"dhr-coordinator@council.example.org"});

  // Later, as a person saves again: a notice made now would be a new one.
  timer_->advance_to(kTuesday - 10s);
  write_text(plan_, bad);
  RunUntilLogged("reload (a watched file changed) refused", 2);
  timer_->advance_to(kTuesday - 5s);
  ::raise(SIGHUP);
  RunUntilLogged("[error] reload (SIGHUP) refused: 1 problem");
  EXPECT_EQ(problems().size(), 1u) << "the coordinator was told again of the same problem";

  AdvanceTo(kTuesday);
  std::multiset<std::string> tuesday;
  for (const auto& message : SincePrime()) {
    if (!IsProblemNotice(message)) {
      tuesday.insert(message.header("Message-ID"));
    }
  }
  EXPECT_EQ(tuesday, expected) << "not the last good plans";

  const std::size_t sent = office_.count();
  replace_file(plan_, original_plan_);
  RunUntilLogged("[info] reloaded (a watched file changed): 1 plan");
  EXPECT_EQ(office_.count(), sent) << "the fix sent something";
}

// Tests that SIGHUP while idle reloads, twice (the daemon keeps handling signals), sending
// nothing and logging no error.
TEST_F(DaemonTest, SighupReloads) {
  Prime();
  StartDaemon(kTuesday - 1h);
  for (std::size_t count : {1u, 2u}) {
    ::raise(SIGHUP);
    RunUntilLogged("[info] reloaded (SIGHUP): 1 plan", count);
  }
  EXPECT_THAT(SincePrime(), IsEmpty());
  EXPECT_THAT(Log(), Not(HasSubstr("[error]")));
}

// Tests that the config's transport is reloaded like the rest: settings that cannot be used
// are refused (the log names the config file and the problem, the coordinator is told through
// the last good transport, which goes on); a usable change replaces the transport, which then
// sends Tuesday's emails.
TEST_F(DaemonTest, TransportEditsAreReloadedAndBadOnesRefused) {
  Prime();
  Daemon::Options options;
  options.make_transport = [this](const plan::Transport& settings,
                                  std::string& error) -> std::unique_ptr<mail::Transport> {
    if (!std::filesystem::is_directory(settings.maildir)) {
      error = "transport.maildir: no folder " + settings.maildir;
      return nullptr;
    }
    return std::make_unique<RecordingTransport>(office_, "maildir " + settings.maildir);
  };
  StartDaemon(kTuesday - 15s, options);
  const std::string config = read_text(config_);
  replace_file(config_, replaced(config, "maildir: Maildir\n", "maildir: Elsewhere\n"));
  RunUntilLogged("[error] reload (a watched file changed) refused: 1 problem");
  EXPECT_EQ(Logged("transport.maildir: no folder " + (folder_ / "Elsewhere").string()), 1u)
      << Log();
  ASSERT_EQ(office_.count(), primed_ + 1);
  EXPECT_TRUE(IsProblemNotice(SincePrime()[0]));
  EXPECT_EQ(office_.transports().back(), "first");

  std::filesystem::create_directory(folder_ / "Elsewhere");
  replace_file(config_, replaced(config, "maildir: Maildir\n", "maildir: Elsewhere\n"));
  RunUntilLogged("[info] transport now maildir " + (folder_ / "Elsewhere").string());
  AdvanceTo(kTuesday);
  const auto transports = office_.transports();
  ASSERT_GT(transports.size(), primed_ + 1);
  for (std::size_t i = primed_ + 1; i < transports.size(); ++i) {
    EXPECT_EQ(transports[i], "maildir " + (folder_ / "Elsewhere").string());
  }
}

// An update of milestone `milestone` of action `action` (the example's review): completed on
// 2 March 2020, submitted by `agency` and accepted by the coordinator through `store`.
std::int64_t AcceptCompletion(store::StateStore& store, const std::string& action,
                              const std::string& milestone, const std::string& agency) {
  store::UpdateRecord update;
  update.review = "dhr-david";
  update.action = action;
  update.milestone = milestone;
  update.agency = agency;
  update.kind = store::UpdateKind::completed;
  update.done_on = date::year{2020} / date::March / 2;
  update.note = "Done";
  update.submitted = kMonday;
  update.token_id = "test";
  const std::int64_t id = store.add_update(update);
  EXPECT_TRUE(store.decide_update(id, store::UpdateState::accepted, kMonday + 1h, ""));
  return id;
}

// The day milestone `milestone` of action `action` is done on, in the plans `daemon`'s pages
// show; none while it is not done, or before the pages have plans.
std::optional<date::year_month_day> DoneOnThePages(const Daemon& daemon, const std::string& action,
                                                   const std::string& milestone) {
  const WebSite* site = daemon.web_site();
  const auto state = site != nullptr ? site->state() : nullptr;
  if (!state || !state->deployment.snapshot) {
    return std::nullopt;
  }
  for (const auto& plan : state->deployment.snapshot->plans) {
    for (const auto& recommendation : plan->recommendations) {
      for (const auto& each : recommendation.actions) {
        for (const auto& step : each.milestones) {
          if (each.id == action && step.id == milestone) {
            return step.done;
          }
        }
      }
    }
  }
  return std::nullopt;
}

// Tests that an instance following another on a state in PostgreSQL shows on its pages the
// updates accepted on that state, though it runs no pass (where a leader reads them): those
// accepted before it started as soon as it follows, and one accepted while it follows (by
// the other instance, or through either's coordinator page) at its next try for the lead.
TEST_F(DaemonTest, AFollowerShowsTheUpdatesAcceptedOnTheSharedState) {
  auto& cluster = test_support::PostgresCluster::shared();
  if (!cluster.why_not().empty()) {
    GTEST_SKIP() << cluster.why_not();
  }
  const std::string url = cluster.socket_url(cluster.new_database());
  write_text(config_, replaced(read_text(config_), "state: state.db\n",
                               "state: " + url +
                                   "\n"
                                   "web:\n  listen: 127.0.0.1:0\n  base_url: http://127.0.0.1\n"
                                   "  secret_file: link-secret\n"));
  // The other instance: it leads throughout, and the coordinator accepts one update there.
  auto leader = store::StateStore::open(url);
  auto lead = leader->lock_passes(0ms);
  ASSERT_TRUE(lead) << lead.error().message;
  AcceptCompletion(*leader, "1.2", "pathway", "police");

  timer_ = std::make_unique<FakeWakeTimer>(io_, kTuesday - 5s);
  DeploymentLoader loader;
  DeploymentLoad load = loader.load(config_.string());
  ASSERT_TRUE(load.deployment);
  Daemon::Options options;
  options.config_file = config_.string();
  options.settle = 20ms;
  options.lead_check = 20ms;
  daemon_ = std::make_unique<Daemon>(io_, *timer_, std::move(options), std::move(loader),
                                     std::move(*load.deployment), store::StateStore::open(url),
                                     std::make_unique<RecordingTransport>(office_, "first"));
  daemon_->start();
  const date::year_month_day monday = date::year{2020} / date::March / 2;
  // The other instance keeps its session busy, as a leader does, so that the server never
  // ends it and this one never leads (where a pass would read the updates).
  auto shown = [&](const char* action, const char* milestone) {
    EXPECT_EQ((*lead)->lost(), std::nullopt);
    return DoneOnThePages(*daemon_, action, milestone) == monday;
  };
  RunUntil([&] { return shown("1.2", "pathway"); },
           "the follower's pages to show the update accepted before it started");
  EXPECT_EQ(DoneOnThePages(*daemon_, "1.1", "scoping"), std::nullopt);

  AcceptCompletion(*leader, "1.1", "scoping", "wwin");
  RunUntil([&] { return shown("1.1", "scoping"); },
           "the follower's pages to show the update accepted while it follows");
  EXPECT_EQ(DoneOnThePages(*daemon_, "1.2", "pathway"), monday);
  EXPECT_THAT(Log(), HasSubstr("leads the passes on"));
  EXPECT_THAT(Log(), Not(HasSubstr("leading the passes"))) << "it followed throughout";
  EXPECT_EQ(office_.count(), 0U) << "a follower sends nothing";
}

}  // namespace
}  // namespace plan_reminder::service::testing
