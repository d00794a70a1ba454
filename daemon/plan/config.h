// The daemon's configuration (plan-reminder.yaml), after validation: where the plans, the
// directory, the templates and the state are, the time zone and holidays, the transport and the
// notification policy. Loaded by plan/config_loader.cpp; kept apart from the plan model, which
// is what the coordinator writes.
#pragma once

#include "base/result.h"
#include "calendar/bank_holidays.h"
#include "plan/target_date.h"

#include <date/date.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan {

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

// The web surface (SPEC §8): where it listens and how its links are signed. Absent from the
// config: nothing listens and emails carry no links.
struct WebSettings {
  // "127.0.0.1:8025", "[::1]:8025", "localhost:8025"; empty: only the sockets systemd passes
  // (plan-reminder.socket, LISTEN_FDS).
  std::vector<std::string> listen;
  std::string base_url;     // what links start with: "https://dhr.example.org", no final '/'
  std::string secret_file;  // the key that signs links: a path (mode 0600), or empty
  std::string credential;   // a systemd credential name, or empty
  int link_days = 60;       // how long an emailed link works
  friend bool operator==(const WebSettings&, const WebSettings&) = default;
};

// A `web.listen` address taken apart: the host as written without brackets ("127.0.0.1",
// "::1", "localhost") and the port ("8025").
struct ListenAddress {
  std::string host;
  std::string port;
};

// "127.0.0.1:8025", "[::1]:8025", "localhost:8025"; an error says what was expected. Used by
// the config loader and by the web server, so both read an address the same way.
base::Result<ListenAddress> parse_listen_address(std::string_view text);

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
  std::optional<WebSettings> web;
  // The protective marking (`classification:`, SPEC §11) every email, page, feed and report
  // carries, such as "OFFICIAL-SENSITIVE"; empty: none. Safe in a mail header and in a subject.
  std::string classification;
};

// The longest `classification:` accepted: the Government Security Classifications' markings
// with a descriptor ("OFFICIAL-SENSITIVE: PERSONAL") are far shorter.
inline constexpr std::size_t kMaxClassificationLength = 64;

}  // namespace plan_reminder::plan
