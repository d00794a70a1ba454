#include "cli/common.h"

#include "calendar/time_zone.h"
#include "plan/loaders.h"

#include <charconv>
#include <chrono>
#include <iostream>
#include <ostream>

namespace plan_reminder::cli {

void add_config_option(CLI::App* command, std::string& config) {
  command->add_option("-c,--config", config, "The configuration file")->capture_default_str();
}

void print_diagnostics(const plan::Diagnostics& diagnostics, std::ostream& out) {
  for (const auto& line : diagnostics.lines()) {
    out << line << '\n';
  }
}

ExitCode exit_code_for(const plan::Diagnostics& diagnostics) {
  using plan::FileKind;
  if (diagnostics.any_of_kind(FileKind::config) || diagnostics.any_of_kind(FileKind::directory) ||
      diagnostics.any_of_kind(FileKind::templates)) {
    return config_error;
  }
  return diagnostics.empty() ? ok : data_error;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (char c : text) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + '"';
}

namespace {

// The next time notices go: the send time of this or a later business day.
std::optional<date::sys_seconds> next_send_moment(const policy::Clock& clock,
                                                  std::chrono::minutes send_time) {
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  date::local_days day = clock.zone.day_of(now);
  for (int ahead = 0; ahead < 400; ++ahead, day += date::days(1)) {
    date::sys_seconds at = clock.zone.at(day, send_time);
    if (clock.business_days.is_business_day(day) && at > now) {
      return at;
    }
  }
  return std::nullopt;
}

// Reads the two characters of `text` at `at` as a number, all of them.
bool two_digits(std::string_view text, std::size_t at, int& value) {
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + 2, value);
  return ec == std::errc() && end == text.data() + at + 2;
}

// The "THH:MM[:SS]" after the day of `text`, and what follows it (the zone, if any).
struct TimeOfDay {
  std::chrono::seconds since_midnight;
  std::string_view rest;
};

std::optional<TimeOfDay> parse_time_of_day(std::string_view text) {
  if (text.size() < 16 || (text[10] != 'T' && text[10] != ' ') || text[13] != ':') {
    return std::nullopt;
  }
  int hours = 0;
  int minutes = 0;
  int seconds = 0;
  if (!two_digits(text, 11, hours) || !two_digits(text, 14, minutes) || hours > 23 ||
      minutes > 59) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(16);
  if (!rest.empty() && rest.front() == ':') {
    if (rest.size() < 3 || !two_digits(text, 17, seconds) || seconds > 59) {
      return std::nullopt;
    }
    rest = rest.substr(3);
  }
  return TimeOfDay{
      std::chrono::hours(hours) + std::chrono::minutes(minutes) + std::chrono::seconds(seconds),
      rest};
}

// The moment `time` on `day` names: local wall-clock time without a zone, UTC with "Z", or
// UTC shifted by a "+HH:MM"/"-HH:MM" offset.
std::optional<date::sys_seconds> moment_in_zone(date::year_month_day day, const TimeOfDay& time,
                                                const policy::Clock& clock) {
  const std::string_view rest = time.rest;
  date::sys_days utc_day{day};
  if (rest.empty()) {
    // Local wall-clock time: DST-safe as for send times.
    return clock.zone.at(date::local_days(day), std::chrono::minutes(0)) + time.since_midnight;
  }
  if (rest == "Z") {
    return date::sys_seconds(utc_day) + time.since_midnight;
  }
  int offset_hours = 0;
  int offset_minutes = 0;
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') {
    return std::nullopt;
  }
  if (!two_digits(rest, 1, offset_hours) || !two_digits(rest, 4, offset_minutes)) {
    return std::nullopt;
  }
  auto offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
  return date::sys_seconds(utc_day) + time.since_midnight - (rest[0] == '+' ? offset : -offset);
}

}  // namespace

std::optional<date::sys_seconds> parse_moment(std::string_view text, const policy::Clock& clock,
                                              std::chrono::minutes send_time) {
  if (text == "next") {
    return next_send_moment(clock, send_time);
  }
  auto day = parse_iso_day(text.substr(0, std::min<std::size_t>(10, text.size())));
  if (!day) {
    return std::nullopt;
  }
  if (text.size() == 10) {
    return clock.zone.at(date::local_days(*day), send_time);
  }
  auto time = parse_time_of_day(text);
  if (!time) {
    return std::nullopt;
  }
  return moment_in_zone(*day, *time, clock);
}

int with_config(const std::string& config_file,
                const std::function<int(const plan::Config&)>& command) {
  plan::Diagnostics diagnostics;
  auto config = plan::load_config(config_file, diagnostics);
  if (!config || !diagnostics.empty()) {
    print_diagnostics(diagnostics, std::cerr);
    return config_error;
  }
  return command(*config);
}

int with_deployment(const std::string& config_file, std::string_view command_name,
                    const std::function<int(const service::Deployment&)>& command) {
  service::DeploymentLoader loader;
  service::DeploymentLoad load = loader.load(config_file);
  if (!load.deployment) {
    print_diagnostics(load.diagnostics, std::cerr);
    std::cerr << "plan-reminder " << command_name
              << ": fix the problems above (see 'plan-reminder check')\n";
    return exit_code_for(load.diagnostics);
  }
  return command(*load.deployment);
}

date::year_month_day today_in(const std::string& time_zone) {
  // The zone was checked at load: an unknown one throws rather than becoming London.
  const calendar::TimeZone zone = calendar::TimeZone::named(time_zone);
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return date::year_month_day{zone.day_of(now)};
}

progress::AppliedUpdates in_effect(const std::shared_ptr<const plan::Snapshot>& snapshot,
                                   store::StateStore* store) {
  std::unique_ptr<store::StateStore> opened;
  if (store == nullptr) {
    // A state not made yet has no updates: the commands that only read create none.
    auto existing = store::StateStore::open_existing(snapshot->config.state);
    if (!existing) {
      return progress::AppliedUpdates{snapshot, {}};
    }
    opened = std::move(*existing);
    store = opened.get();
  }
  return progress::apply_accepted(snapshot, store->updates({store::UpdateState::accepted}));
}

void print_update_standings(const progress::AppliedUpdates& applied, std::ostream& out) {
  for (const auto& standing : applied.standings) {
    if (auto line = progress::describe(standing); !line.empty()) {
      out << "note: " << line << '\n';
    }
  }
}

}  // namespace plan_reminder::cli
