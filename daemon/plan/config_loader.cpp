// Reads the daemon configuration (SPEC §2). Defaults live in model.h's structs, nowhere else.
#include "base/ascii.h"
#include "calendar/time_zone.h"
#include "plan/address.h"
#include "plan/loader_common.h"
#include "plan/loaders.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace plan_reminder::plan {
namespace {

std::string read_path(FileContext& context, const Entry& entry) {
  auto text = read_text(context, entry, Lines::one);
  return text ? resolve_path(context.file(), *text) : std::string();
}

Repeat read_repeat(FileContext& context, MappingReader& map, Repeat defaults) {
  Repeat repeat = defaults;
  repeat.after_days = read_int(context, map.get("after"), 0, 3650).value_or(defaults.after_days);
  repeat.every_days = read_int(context, map.get("repeat"), 0, 3650).value_or(defaults.every_days);
  return repeat;
}

std::optional<Repeat> read_repeat(FileContext& context, const Entry& entry, Repeat defaults) {
  MappingReader map(context, entry, {"after", "repeat"});
  if (!map.valid()) {
    return std::nullopt;
  }
  return read_repeat(context, map, defaults);
}

// policy.overdue: a Repeat, and the weekday and number of its repeats (SPEC §4).
void read_overdue(FileContext& context, const Entry& entry, Policy& policy) {
  MappingReader map(context, entry, {"after", "repeat", "weekday", "max_repeats"});
  if (!map.valid()) {
    return;
  }
  policy.overdue = read_repeat(context, map, policy.overdue);
  if (Entry weekday = map.get("weekday")) {
    policy.overdue_weekday = read_weekday(context, weekday);
  }
  policy.overdue_max_repeats =
      read_int(context, map.get("max_repeats"), 0, 520).value_or(policy.overdue_max_repeats);
}

// "30/minute", "100/hour", "1/second".
std::optional<RateLimit> read_rate_limit(FileContext& context, const Entry& entry) {
  auto text = read_text(context, entry, Lines::one);
  if (!text) {
    return std::nullopt;
  }
  auto slash = text->find('/');
  RateLimit limit;
  bool ok = slash != std::string::npos;
  if (ok) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + slash, limit.messages);
    ok = ec == std::errc() && end == text->data() + slash && limit.messages > 0;
    std::string unit = text->substr(slash + 1);
    if (unit == "second") {
      limit.per = std::chrono::seconds(1);
    } else if (unit == "minute") {
      limit.per = std::chrono::minutes(1);
    } else if (unit == "hour") {
      limit.per = std::chrono::hours(1);
    } else {
      ok = false;
    }
  }
  if (!ok) {
    context.error(entry.mark(), entry.path,
                  "expected a rate such as 30/minute (per second, minute or hour), found " +
                      quote_value(*text));
    return std::nullopt;
  }
  return limit;
}

// Why the secret file at `path` (`what`: "SMTP password file", "link secret file") cannot be
// used, or empty when it can, from what open() and fstat() say: the secret itself is never read
// here, so it can never reach a message. Its reader checks the same again.
std::string password_file_problem(const std::string& path,
                                  const std::string& what = "SMTP password file") {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (descriptor < 0) {
    return "cannot read the " + what + " " + path + ": " + std::strerror(errno);
  }
  struct stat status {};
  int stat_result = ::fstat(descriptor, &status);
  int stat_errno = errno;
  ::close(descriptor);
  if (stat_result != 0) {
    return "cannot read the " + what + " " + path + ": " + std::strerror(stat_errno);
  }
  if (S_ISDIR(status.st_mode)) {
    return "the " + what + " " + path + " is a folder, not a file";
  }
  if (!S_ISREG(status.st_mode)) {
    return "the " + what + " " + path + " is not a regular file";
  }
  if ((status.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    return "the " + what + " " + path + " can be read or written by every user (mode " + mode +
           "): run chmod 600 " + path + " (or 640 with the service's group)";
  }
  if (status.st_size == 0) {
    return "the " + what + " " + path + " is empty";
  }
  return {};
}

// Where systemd provides the credential `name` (the service, and `check` as its ExecReload) it
// must be usable; elsewhere there is nothing to look at.
void check_credential(FileContext& context, const Entry& entry, const std::string& name,
                      const std::string& what) {
  const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
  if (directory != nullptr && *directory != '\0') {
    std::string problem =
        password_file_problem((std::filesystem::path(directory) / name).string(), what);
    if (!problem.empty()) {
      context.error(entry.mark(), entry.path,
                    "the systemd credential " + quote_value(name) + ": " + problem);
    }
  }
}

// The rules of SmtpSettings that need no network, each reported at its key, so that `check`
// refuses exactly what the transport would: make_transport relies on them.
void check_smtp(FileContext& context, const MappingReader& map, const SmtpSettings& smtp) {
  Entry password_file = map.get("password_file");
  Entry credential = map.get("credential");
  Entry password = password_file ? password_file : credential;
  if (password && !map.get("username")) {
    context.error(password.key->mark, password.path,
                  "a password needs a username to authenticate as: add 'username'");
  }
  if (!smtp.password_file.empty()) {
    std::string problem = password_file_problem(smtp.password_file);
    if (!problem.empty()) {
      context.error(password_file.mark(), password_file.path, problem);
    }
  }
  if (credential && (smtp.credential == "." || smtp.credential == "..")) {
    context.error(credential.mark(), credential.path,
                  quote_value(smtp.credential) + " is not a credential name");
  } else if (!smtp.credential.empty()) {
    check_credential(context, credential, smtp.credential, "SMTP password file");
  }
  Entry plaintext = map.get("allow_plaintext");
  if (smtp.allow_plaintext && smtp.url.rfind("smtp://", 0) == 0) {
    std::string host = url_host(smtp.url);
    if (!is_loopback_host(host)) {
      context.error(plaintext.mark(), plaintext.path,
                    "plaintext is allowed only to a loopback host (localhost, 127.0.0.0/8, ::1), "
                    "not " +
                        quote_value(host) + ": remove it to use STARTTLS, or use smtps://");
    }
  }
}

SmtpSettings read_smtp(FileContext& context, const Entry& entry) {
  SmtpSettings smtp;
  MappingReader map(context, entry,
                    {"url", "username", "password_file", "credential", "ca_file", "allow_plaintext",
                     "rate_limit", "password"});
  if (!map.valid()) {
    return smtp;
  }
  if (Entry password = map.get("password")) {
    context.error(password.key->mark, password.path,
                  "passwords are never kept in the configuration; put it in a file named by "
                  "'password_file' (mode 0600) or a systemd credential named by 'credential'");
  }
  Entry url = map.require("url", "smtp://host:587 or smtps://host:465");
  if (auto text = read_text(context, url, Lines::one)) {
    if (text->rfind("smtp://", 0) != 0 && text->rfind("smtps://", 0) != 0) {
      context.error(url.mark(), url.path,
                    "expected a URL starting smtp:// (STARTTLS) or smtps:// (TLS), found " +
                        quote_value(*text));
    } else if (text->find('@') != std::string::npos) {
      context.error(url.mark(), url.path,
                    "the URL must not contain credentials; use 'username' and 'password_file'");
    } else if (url_host(*text).empty()) {
      context.error(url.mark(), url.path,
                    "the URL names no host; expected smtp://host:587 or smtps://host:465");
    } else {
      smtp.url = *text;
    }
  }
  smtp.username = read_text(context, map.get("username"), Lines::one).value_or("");
  if (Entry file = map.get("password_file")) {
    smtp.password_file = read_path(context, file);
  }
  smtp.credential = read_identifier(context, map.get("credential")).value_or("");
  if (!smtp.password_file.empty() && !smtp.credential.empty()) {
    context.error(map.get("credential").mark(), child_path(entry.path, "credential"),
                  "give either 'password_file' or 'credential', not both");
  }
  if (!smtp.username.empty() && smtp.password_file.empty() && smtp.credential.empty() &&
      !map.get("password_file") && !map.get("credential")) {
    context.error(map.get("username").mark(), child_path(entry.path, "username"),
                  "a username needs a password: add 'password_file' or 'credential'");
  }
  if (Entry ca = map.get("ca_file")) {
    smtp.ca_file = read_path(context, ca);
  }
  smtp.allow_plaintext = read_bool(context, map.get("allow_plaintext")).value_or(false);
  if (Entry rate = map.get("rate_limit")) {
    smtp.rate_limit = read_rate_limit(context, rate);
  }
  check_smtp(context, map, smtp);
  return smtp;
}

Transport read_transport(FileContext& context, const Entry& entry) {
  Transport transport;
  MappingReader map(context, entry, {"maildir", "smtp"});
  if (!map.valid()) {
    return transport;
  }
  Entry maildir = map.get("maildir");
  Entry smtp = map.get("smtp");
  if (maildir && smtp) {
    context.error(smtp.key->mark, smtp.path, "give exactly one of 'maildir' and 'smtp'");
  } else if (!maildir && !smtp) {
    context.error(entry.mark(), entry.path,
                  "missing 'maildir' or 'smtp': expected exactly one transport");
  }
  if (maildir) {
    transport.kind = Transport::Kind::maildir;
    transport.maildir = read_path(context, maildir);
  } else if (smtp) {
    transport.kind = Transport::Kind::smtp;
    transport.smtp = read_smtp(context, smtp);
  }
  return transport;
}

Policy read_policy(FileContext& context, const Entry& entry) {
  Policy policy;
  MappingReader map(context, entry,
                    {"send_time", "reminders", "due_day", "overdue", "escalation", "digest"});
  if (!map.valid()) {
    return policy;
  }
  policy.send_time = read_time_of_day(context, map.get("send_time")).value_or(policy.send_time);
  if (Entry reminders = map.get("reminders")) {
    std::vector<int> days;
    for (const Entry& item : list_items(context, reminders)) {
      if (auto value = read_int(context, item, 1, 365)) {
        if (std::find(days.begin(), days.end(), *value) != days.end()) {
          context.error(item.mark(), item.path,
                        "reminder " + std::to_string(*value) + " days before is listed twice");
          continue;
        }
        days.push_back(*value);
      }
    }
    std::sort(days.rbegin(), days.rend());
    policy.reminder_days = days;
  }
  policy.due_day = read_bool(context, map.get("due_day")).value_or(policy.due_day);
  if (Entry overdue = map.get("overdue")) {
    read_overdue(context, overdue, policy);
  }
  if (Entry escalation = map.get("escalation")) {
    policy.escalation =
        read_repeat(context, escalation, policy.escalation).value_or(policy.escalation);
  }
  MappingReader digest(context, map.get("digest"), {"day", "time", "horizon"});
  if (digest.valid()) {
    policy.digest_day = read_weekday(context, digest.get("day")).value_or(policy.digest_day);
    policy.digest_time = read_time_of_day(context, digest.get("time")).value_or(policy.digest_time);
    policy.digest_horizon_days =
        read_int(context, digest.get("horizon"), 1, 366).value_or(policy.digest_horizon_days);
  }
  return policy;
}

// `web.listen:` one address or a list of them.
void read_listen(FileContext& context, const Entry& listen, WebSettings& web) {
  auto add = [&](const Entry& entry) {
    auto text = read_text(context, entry, Lines::one);
    if (!text) {
      return;
    }
    if (auto parsed = parse_listen_address(*text); !parsed) {
      context.error(entry.mark(), entry.path, parsed.error().message);
    } else {
      web.listen.push_back(*text);
    }
  };
  if (listen.value->is_scalar()) {
    add(listen);
    return;
  }
  for (const Entry& item : list_items(context, listen)) {
    add(item);
  }
}

// Why `url` cannot start the links in emails, or empty when it can: http(s)://host[:port][/path]
// with no query, fragment or credentials, and https unless the host is this machine (the
// links carry tokens).
std::string base_url_problem(std::string_view url) {
  bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) {
    return "expected a URL starting https://, found " + quote_value(std::string(url));
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return "the base URL takes no query or fragment: links add their own";
  }
  auto authority = url.substr(url.find("://") + 3);
  authority = authority.substr(0, authority.find('/'));
  if (authority.find('@') != std::string_view::npos) {
    return "the base URL must not contain credentials";
  }
  std::string host = url_host(url);
  if (host.empty() || host == "[]") {
    return "the base URL names no host; expected https://host[:port][/path]";
  }
  auto port = authority.substr(std::min(authority.size(), host.size()));
  if (!port.empty()) {
    int number = 0;
    auto digits = port.substr(1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (port.front() != ':' || digits.empty() || ec != std::errc() ||
        end != digits.data() + digits.size() || number < 1 || number > 65535) {
      return "expected a port from 1 to 65535 after the host, found " +
             quote_value(std::string(port));
    }
  }
  if (!https && !is_loopback_host(host)) {
    return "links carry tokens: http:// is allowed only to a loopback host (localhost, "
           "127.0.0.0/8, ::1), not " +
           quote_value(host) + "; use https:// (TLS from the reverse proxy)";
  }
  return {};
}

// `web:` the web surface (SPEC §8).
std::optional<WebSettings> read_web(FileContext& context, const Entry& entry) {
  MappingReader map(context, entry,
                    {"listen", "base_url", "secret_file", "credential", "link_days"});
  if (!map.valid()) {
    return std::nullopt;
  }
  WebSettings web;
  if (Entry listen = map.get("listen")) {
    read_listen(context, listen, web);
  }
  Entry base_url = map.require("base_url", "https://host[:port][/path], what links start with");
  if (auto text = read_text(context, base_url, Lines::one)) {
    if (std::string problem = base_url_problem(*text); !problem.empty()) {
      context.error(base_url.mark(), base_url.path, problem);
    } else {
      web.base_url = text->ends_with('/') ? text->substr(0, text->size() - 1) : *text;
    }
  }
  Entry secret_file = map.get("secret_file");
  Entry credential = map.get("credential");
  if (secret_file && credential) {
    context.error(credential.key->mark, credential.path,
                  "give either 'secret_file' or 'credential', not both");
  } else if (!secret_file && !credential) {
    context.error(entry.mark(), entry.path,
                  "missing 'secret_file' or 'credential': the key that signs links");
  }
  if (secret_file) {
    web.secret_file = read_path(context, secret_file);
    // A missing file is no problem: the service (or `url`) makes one at first use.
    std::error_code missing;
    if (!web.secret_file.empty() &&
        std::filesystem::symlink_status(web.secret_file, missing).type() !=
            std::filesystem::file_type::not_found) {
      if (std::string problem = password_file_problem(web.secret_file, "link secret file");
          !problem.empty()) {
        context.error(secret_file.mark(), secret_file.path, problem);
      }
    }
  }
  if (credential) {
    web.credential = read_identifier(context, credential).value_or("");
    if (web.credential == "." || web.credential == "..") {
      context.error(credential.mark(), credential.path,
                    quote_value(web.credential) + " is not a credential name");
    } else if (!web.credential.empty()) {
      check_credential(context, credential, web.credential, "link secret file");
    }
  }
  web.link_days = read_int(context, map.get("link_days"), 1, 366).value_or(web.link_days);
  return web;
}

// `timezone:` a name from the time-zone database.
void read_timezone(FileContext& context, const Entry& zone, Config& config) {
  if (auto name = read_text(context, zone, Lines::one)) {
    if (base::Result<calendar::TimeZone> found = calendar::TimeZone::lookup(*name)) {
      config.timezone = *name;
    } else {
      context.error(zone.mark(), zone.path, found.error().message);
    }
  }
}

// `plans:` one glob, folder or file, or a list of them.
void read_plan_sources(FileContext& context, const Entry& plans, Config& config) {
  auto add_source = [&](const Entry& entry) {
    std::string path = read_path(context, entry);
    if (!path.empty()) {
      config.plan_sources.push_back(PlanSource{path, entry.mark().line, entry.mark().column});
    }
  };
  if (plans && plans.value->is_scalar()) {
    add_source(plans);
    return;
  }
  for (const Entry& item : list_items(context, plans)) {
    add_source(item);
  }
  if (plans && plans.value->is_sequence() && plans.value->items.empty()) {
    context.error(plans.mark(), plans.path, "expected at least one plan file, folder or glob");
  }
}

// `from:` "Name <address>", the sender of every mail.
void read_sender(FileContext& context, const Entry& from, Config& config) {
  if (auto text = read_text(context, from, Lines::one)) {
    std::string problem;
    if (parse_named_address(*text, problem)) {
      config.from = *text;
    } else {
      context.error(from.mark(), from.path,
                    quote_value(*text) + " is not a sender address: " + problem);
    }
  }
}

// `calendar.holidays:` england-and-wales (built in) or a gov.uk bank-holidays.json file,
// resolved from the config file's folder.
void read_holidays(FileContext& context, const Entry& holidays, const std::string& file,
                   Config& config) {
  auto source = read_text(context, holidays, Lines::one);
  if (!source || *source == "england-and-wales") {
    return;
  }
  std::string path = resolve_path(file, *source);
  std::string error;
  if (base::Result<std::string> json = read_file(path); !json) {
    error = "cannot read the holiday file " + path + ": " + json.error().message;
  } else if (auto loaded = calendar::BankHolidays::from_gov_uk_json(*json, "england-and-wales");
             !loaded) {
    error = "the holiday file " + path +
            " is not in the gov.uk bank-holidays.json format: " + loaded.error().message;
  } else {
    config.holidays = std::move(*loaded);
    config.holidays_source = path;
    return;
  }
  context.error(holidays.mark(), holidays.path,
                error + " (expected 'england-and-wales' or the path of such a file)");
}

// `calendar:` holidays and how quarters are read.
void read_calendar(FileContext& context, const Entry& calendar, Config& config) {
  MappingReader calendar_map(context, calendar, {"holidays", "quarters"});
  if (!calendar_map.valid()) {
    return;
  }
  read_holidays(context, calendar_map.get("holidays"), config.file, config);
  if (auto quarters =
          read_choice(context, calendar_map.get("quarters"), {"calendar", "financial"})) {
    config.quarters = *quarters == "financial" ? QuarterStyle::financial : QuarterStyle::calendar;
  }
}

// Whether `c` may be part of a marking: what UK markings use ("OFFICIAL-SENSITIVE: PERSONAL",
// "OFFICIAL SENSITIVE - COMMERCIAL"), and nothing that could end a header, close the subject
// prefix's brackets or mean something in HTML.
bool marking_character(char c) {
  return base::is_ascii_alnum(c) || c == ' ' || c == '-' || c == '_' || c == ':' || c == '/' ||
         c == '.';
}

// `classification:` the protective marking, such as OFFICIAL-SENSITIVE (SPEC §11). It goes
// into a subject, a mail header and every page, so it is kept to a short line of plain ASCII.
void read_classification(FileContext& context, const Entry& entry, Config& config) {
  if (!entry) {
    return;
  }
  auto text = read_text(context, entry, Lines::one);
  if (!text) {
    return;
  }
  const std::string expected =
      " (expected a marking such as OFFICIAL-SENSITIVE: letters, digits, spaces and - _ : / . "
      "only, at most " +
      std::to_string(kMaxClassificationLength) + " characters)";
  auto bad = std::find_if_not(text->begin(), text->end(), marking_character);
  if (bad != text->end()) {
    const auto byte = static_cast<unsigned char>(*bad);
    std::string what = byte >= 0x20 && byte < 0x7f ? quote_value(std::string(1, *bad))
                                                   : "a character outside plain ASCII";
    context.error(entry.mark(), entry.path, "the marking contains " + what + expected);
  } else if (text->size() > kMaxClassificationLength) {
    context.error(entry.mark(), entry.path,
                  "the marking is " + std::to_string(text->size()) + " characters long" + expected);
  } else if (text->front() == ' ' || text->back() == ' ' || text->find("  ") != std::string::npos) {
    context.error(entry.mark(), entry.path,
                  "the marking has spaces at its ends or two together" + expected);
  } else {
    config.classification = *text;
  }
}

// A PostgreSQL URL with a password: user:password@ in its authority, or a password=
// parameter.
bool url_has_password(std::string_view url) {
  const std::string_view rest = url.substr(url.find("://") + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos && authority.substr(0, at).find(':') != std::string_view::npos) {
    return true;
  }
  const auto query = rest.find('?');
  if (query == std::string_view::npos) {
    return false;
  }
  const std::string parameters = "&" + std::string(rest.substr(query + 1));
  return parameters.find("&password=") != std::string::npos;
}

}  // namespace

std::optional<Config> parse_config(std::string_view text, const std::string& file,
                                   Diagnostics& out) {
  FileContext context(file, FileKind::config, out);
  auto root = parse_document(context, text);
  if (!root) {
    return std::nullopt;
  }
  Config config;
  config.file = file;
  config.state = "/var/lib/plan-reminder/state.db";
  MappingReader top(context, Entry{nullptr, &*root, ""},
                    {"timezone", "plans", "directory", "templates", "state", "from", "calendar",
                     "transport", "policy", "web", "classification"});

  if (Entry zone = top.get("timezone")) {
    read_timezone(context, zone, config);
  }
  read_plan_sources(
      context, top.require("plans", "a glob such as plans/*.yaml, a folder, or a list of them"),
      config);
  config.directory = read_path(context, top.require("directory", "the agency directory file"));
  if (Entry templates = top.get("templates")) {
    config.templates = read_path(context, templates);
  }
  if (Entry state = top.get("state")) {
    // A PostgreSQL URL (SPEC §10) names a database, not a file beside this one.
    const auto text = read_text(context, state, Lines::one);
    const bool url =
        text && (text->rfind("postgresql://", 0) == 0 || text->rfind("postgres://", 0) == 0);
    config.state = !text ? std::string() : url ? *text : resolve_path(context.file(), *text);
    if (url && url_has_password(*text)) {
      context.error(state.mark(), "state",
                    "the URL holds a password, which must not be written in the config: give it "
                    "as the systemd credential db-password, or in PGPASSFILE or ~/.pgpass");
    }
  }
  read_sender(context, top.require("from", "\"Partnership name <address@example.org>\""), config);
  read_calendar(context, top.get("calendar"), config);

  config.transport = read_transport(
      context, top.require("transport", "exactly one of maildir: FOLDER or smtp: {url, ...}"));
  if (Entry policy = top.get("policy")) {
    config.policy = read_policy(context, policy);
  }
  if (Entry web = top.get("web")) {
    config.web = read_web(context, web);
  }
  read_classification(context, top.get("classification"), config);
  return config;
}

base::Result<ListenAddress> parse_listen_address(std::string_view text) {
  const std::string expected =
      "expected host:port such as 127.0.0.1:8025, [::1]:8025 or localhost:8025, found " +
      quote_value(std::string(text));
  ListenAddress address;
  std::string_view rest;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close == 1) {
      return base::Error{expected};
    }
    address.host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 ||
        text.substr(0, colon).find(':') != std::string_view::npos) {
      return base::Error{expected};
    }
    address.host = std::string(text.substr(0, colon));
    rest = text.substr(colon);
  }
  int port = -1;
  if (rest.size() >= 2 && rest.front() == ':') {
    auto digits = rest.substr(1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535 || address.host.find_first_of(" \t/?#@") != std::string::npos) {
    return base::Error{expected};
  }
  address.port = std::to_string(port);
  return address;
}

std::optional<Config> load_config(const std::string& file, Diagnostics& out) {
  base::Result<std::string> text = read_file(file);
  if (!text) {
    out.add(Diagnostic{file, 0, 0, "", "cannot read the configuration: " + text.error().message,
                       FileKind::config});
    return std::nullopt;
  }
  return parse_config(*text, file, out);
}

}  // namespace plan_reminder::plan
