// The plan as the coordinator wrote it, after validation: reviews, recommendations, actions,
// milestones, the agency directory and the daemon configuration. Immutable once loaded.
#pragma once

#include "calendar/bank_holidays.h"
#include "plan/target_date.h"

#include <date/date.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::plan {

// A reference to an agency from a plan, with where it was written, so that a directory edit
// can be checked against plans that were not re-read.
struct AgencyRef {
  std::string id;
  int line = 0;
  int column = 0;
};

// A target as written and what it means.
struct Target {
  std::string wording;
  TargetMeaning meaning = Undated{};
};

// Where a milestone's schedule stands, given the review's publication date.
struct DueDate {
  enum class Kind { dated, pending, undated, ongoing };
  Kind kind = Kind::undated;
  std::optional<date::year_month_day> day;  // set when dated
};

struct Milestone {
  std::string id;  // as given, or the 1-based position
  std::string text;
  Target target;
  std::optional<Target> revised_target;  // replaces target for scheduling
  std::optional<date::year_month_day> done;

  const Target& scheduling_target() const { return revised_target ? *revised_target : target; }
  // "March 2020", or "March 2020 (revised: June 2020)".
  std::string target_display() const;
};

enum class ActionStatus { open, complete, on_hold };
enum class Scope { local, regional, national };

struct Action {
  std::string id;
  std::string text;
  std::vector<AgencyRef> lead;
  std::vector<AgencyRef> support;
  std::string outcome;
  std::string progress;
  ActionStatus status = ActionStatus::open;
  std::vector<Milestone> milestones;

  // Complete when its status says so or every milestone is done.
  bool is_complete() const;
};

struct Recommendation {
  std::string id;
  Scope scope = Scope::local;
  std::string text;
  std::vector<Action> actions;
};

struct Review {
  std::string id;
  int id_line = 0;
  int id_column = 0;
  std::string title;
  std::string partnership;
  std::optional<date::year_month_day> published;
};

struct Plan {
  std::string file;
  Review review;
  std::vector<Recommendation> recommendations;
};

DueDate due_date(const Milestone& milestone, const Review& review);

std::string_view to_string(ActionStatus status);
std::string_view to_string(Scope scope);

// --- The agency directory (config/agencies.yaml) ---

// A role mailbox: who receives mail for a role, never a named person.
struct Mailbox {
  std::string name;
  std::vector<std::string> to;
  std::vector<std::string> cc;
};

struct Agency {
  std::string id;
  Mailbox mailbox;
};

struct Directory {
  std::string file;
  std::string partnership;
  Mailbox chair;
  Mailbox coordinator;
  Mailbox digest;
  bool digest_is_list = false;  // one shared address: recipients may see each other
  std::map<std::string, Agency, std::less<>> agencies;

  const Agency* find(std::string_view id) const;
};

// --- The daemon configuration (plan-reminder.yaml) ---

// A stage that starts some days after the due date and repeats while the milestone is open.
struct Repeat {
  int after_days = 0;
  int every_days = 0;
  friend bool operator==(const Repeat&, const Repeat&) = default;
};

// The notification policy; the defaults here are SPEC §2's and the only place they are set.
struct Policy {
  std::chrono::minutes send_time{9 * 60};
  std::vector<int> reminder_days{28, 14, 7, 1};
  bool due_day = true;
  Repeat overdue{1, 7};
  // No nagging forever (SPEC §4): overdue repeats go on this weekday (none: the digest day),
  // at most this many after the first overdue notice.
  std::optional<date::weekday> overdue_weekday;
  int overdue_max_repeats = 4;
  Repeat escalation{14, 28};
  date::weekday digest_day = date::Monday;
  std::chrono::minutes digest_time{8 * 60 + 30};
  int digest_horizon_days = 28;
};

struct RateLimit {
  int messages = 0;
  std::chrono::seconds per{60};
  friend bool operator==(const RateLimit&, const RateLimit&) = default;
};

struct SmtpSettings {
  std::string url;
  std::string username;
  std::string password_file;  // a path, or empty
  std::string credential;     // a systemd credential name, or empty
  std::string ca_file;
  bool allow_plaintext = false;
  std::optional<RateLimit> rate_limit;
  friend bool operator==(const SmtpSettings&, const SmtpSettings&) = default;
};

struct Transport {
  enum class Kind { maildir, smtp };
  Kind kind = Kind::maildir;
  std::string maildir;
  SmtpSettings smtp;
  friend bool operator==(const Transport&, const Transport&) = default;
};

// A glob, folder or file named under `plans:`, with where it was written.
struct PlanSource {
  std::string path;  // absolute
  int line = 0;
  int column = 0;
};

struct Config {
  std::string file;
  std::string timezone = "Europe/London";
  std::vector<PlanSource> plan_sources;
  std::string directory;
  std::string templates;  // empty: the installed templates
  std::string state;
  std::string from;  // "Name <address>"
  calendar::BankHolidays holidays = calendar::BankHolidays::england_and_wales();
  std::string holidays_source = "england-and-wales";
  QuarterStyle quarters = QuarterStyle::calendar;
  Transport transport;
  Policy policy;
};

}  // namespace plan_reminder::plan
