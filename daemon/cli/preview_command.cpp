// `plan-reminder preview`: every email the policy would send in a window, in order, with time,
// recipients and subject (`--render`: each message's headers and text part, readable;
// `--out DIR`: each message as NNN-kind.eml and NNN-kind.html, to open in a mail client or a
// browser). It runs the passes `run` would run at each send time of the window, on the same
// code, and sends nothing and stores no state.
#include "cli/commands.h"
#include "cli/common.h"
#include "mail/marking.h"
#include "service/compose.h"
#include "service/local_time.h"
#include "service/update_links.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace plan_reminder::cli {
namespace {

struct PreviewArguments {
  std::string config{default_config_path};
  std::string from;
  std::string to;
  bool render = false;
  std::string out;
};

std::string join(const std::vector<mail::Address>& addresses) {
  std::string out;
  for (const auto& address : addresses) {
    out += (out.empty() ? "" : ", ") + address.address;
  }
  return out;
}

// "Name <address>", or the address alone.
std::string readable(const mail::Address& address) {
  return address.name.empty() ? address.address : address.name + " <" + address.address + ">";
}

std::string readable(const std::vector<mail::Address>& addresses) {
  std::string out;
  for (const auto& address : addresses) {
    out += (out.empty() ? "" : ", ") + readable(address);
  }
  return out;
}

// The message as a person reads it: its headers decoded, then its text part as UTF-8 (the
// message itself carries them encoded: RFC 2047 words, quoted-printable).
void print_readable(const mail::Message& message, const std::string& raw, std::ostream& out) {
  const std::size_t date = raw.rfind("Date: ", 0) == 0 ? 0 : raw.find("\nDate: ");
  if (date != std::string::npos) {
    const std::size_t start = date == 0 ? 0 : date + 1;
    const std::size_t end = raw.find_first_of("\r\n", start);
    out << raw.substr(start, end - start) << '\n';
  }
  out << "From: " << readable(message.from) << '\n';
  out << "To: " << readable(message.to) << '\n';
  if (!message.cc.empty()) {
    out << "Cc: " << readable(message.cc) << '\n';
  }
  if (message.reply_to) {
    out << "Reply-To: " << readable(*message.reply_to) << '\n';
  }
  out << "Subject: " << message.subject << '\n';
  out << "Message-ID: " << message.message_id << '\n';
  if (!message.classification.empty()) {
    out << mail::kMarkingHeader << ": " << message.classification << '\n';
  }
  out << '\n';
  out << message.text;
}

// Writes `bytes` to `path`, or says why not.
bool write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << bytes;
  file.close();
  if (!file) {
    std::cerr << "plan-reminder preview: cannot write " << path.string() << '\n';
    return false;
  }
  return true;
}

// The days the preview covers, both included.
struct Window {
  date::year_month_day from;
  date::year_month_day to;
};

// The window --from and --to name (default: today and the 14 days after), or nothing after
// saying what is wrong with them.
std::optional<Window> window_or_report(const PreviewArguments& args,
                                       const plan::Snapshot& snapshot) {
  auto from = args.from.empty() ? std::optional(today_in(snapshot.config.timezone))
                                : parse_iso_day(args.from);
  if (!from) {
    std::cerr << "plan-reminder preview: --from expects YYYY-MM-DD, got '" << args.from << "'\n";
    return std::nullopt;
  }
  auto to = args.to.empty()
                ? std::optional(date::year_month_day{date::sys_days(*from) + date::days(14)})
                : parse_iso_day(args.to);
  if (!to || *to < *from) {
    std::cerr << "plan-reminder preview: --to expects YYYY-MM-DD on or after --from\n";
    return std::nullopt;
  }
  return Window{*from, *to};
}

// Makes the --out folder if missing; false after saying so when it cannot be one.
bool make_out_folder(const std::string& out) {
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (!std::filesystem::is_directory(out, error)) {
    std::cerr << "plan-reminder preview: --out: " << out
              << " is not a folder and cannot be made one\n";
    return false;
  }
  return true;
}

// Where the emails go as the preview finds them, and how many went.
struct PreviewOutput {
  const PreviewArguments& args;
  const policy::Clock& clock;
  std::filesystem::path out_folder;
  std::size_t count = 0;
  // After a failed write, nothing more is written.
  bool written = true;
};

// Writes the email as NNN-kind.eml and NNN-kind.html into the --out folder.
void write_email(PreviewOutput& output, const service::ComposedEmail& email) {
  std::array<char, 16> number{};
  std::snprintf(number.data(), number.size(), "%03zu-", output.count);
  const std::string stem = number.data() + std::string(mail::to_string(email.planned.kind));
  output.written = output.written && write_file(output.out_folder / (stem + ".eml"), email.raw) &&
                   write_file(output.out_folder / (stem + ".html"), email.message.html);
}

// One line for the email sent at `now` (with --render, the message; with --out, the files).
void print_email(PreviewOutput& output, const service::ComposedEmail& email,
                 date::sys_seconds now) {
  ++output.count;
  std::cout << service::short_local_time(output.clock, now) << "  "
            << mail::to_string(email.planned.kind) << "  To: " << join(email.message.to);
  if (!email.message.cc.empty()) {
    std::cout << "  Cc: " << join(email.message.cc);
  }
  std::cout << "\n    " << email.message.subject << '\n';
  if (output.args.render) {
    std::cout << '\n';
    print_readable(email.message, email.raw, std::cout);
    std::cout << '\n';
  }
  if (!output.args.out.empty()) {
    write_email(output, email);
  }
}

// Runs the passes `run` would run at each send time of the window, printing what they send.
void preview_window(const service::Deployment& deployment, const Window& window,
                    PreviewOutput& output) {
  const policy::Clock& clock = output.clock;
  // What has been sent already counts, so the preview continues from the real state, with the
  // accepted updates in effect.
  base::KeySet handled;
  std::optional<date::sys_seconds> last_pass;
  progress::AppliedUpdates applied{deployment.snapshot, {}};
  std::vector<mail::WaitingUpdateRow> waiting;  // the digests list those waiting now
  std::vector<store::UpdateRecord> decided;     // decisions the agencies are not told yet
  // A state not made yet means nothing was sent: the preview creates none.
  if (auto store = store::StateStore::open_existing(deployment.snapshot->config.state)) {
    handled = (*store)->handled_keys();
    applied = in_effect(deployment.snapshot, store->get());
    waiting = service::waiting_update_rows((*store)->updates({store::UpdateState::waiting}),
                                           *deployment.snapshot, clock);
    decided = (*store)->decisions_to_tell();
  }
  // As `run` would: the digests list the updates waiting now, and each agency's first email
  // of the window tells it the decisions on its updates.
  service::PassAdditions additions;
  additions.digest = [&waiting](mail::DigestView& digest) { digest.updates_waiting = waiting; };
  additions.decisions = service::decisions_to_tell(decided, *deployment.snapshot);
  const plan::Snapshot& snapshot = *applied.snapshot;
  const plan::Policy& policy = snapshot.config.policy;
  date::sys_seconds end =
      clock.zone.at(date::local_days(window.to) + date::days(1), std::chrono::minutes(0));
  date::sys_seconds now = clock.zone.at(date::local_days(window.from), std::chrono::minutes(0));
  while (true) {
    now = policy::next_send_time(policy, clock, now);
    if (now >= end) {
      break;
    }
    policy::PassInputs inputs;
    inputs.snapshot = &snapshot;
    inputs.clock = &clock;
    inputs.handled = &handled;
    inputs.last_pass = last_pass;
    service::ComposedPass pass = service::compose_pass(
        inputs, *deployment.templates, now,
        [&](const service::ComposedEmail& email) {
          for (const auto& notice : email.notices) {
            handled.insert(notice.key);
          }
          print_email(output, email, now);
        },
        additions);
    for (const auto& dropped : pass.dropped) {
      handled.insert(dropped.key);
    }
    if (pass.notice_window) {
      last_pass = now;
    }
  }
}

// Prints every email of the window (and writes them with --out); the exit code.
int preview(const PreviewArguments& args, const service::Deployment& deployment) {
  const plan::Snapshot& snapshot = *deployment.snapshot;
  const policy::Clock clock = policy::clock_for(snapshot.config);
  const auto window = window_or_report(args, snapshot);
  if (!window) {
    return usage;
  }
  if (!args.out.empty() && !make_out_folder(args.out)) {
    return io_error;
  }
  PreviewOutput output{args, clock, std::filesystem::path(args.out)};
  preview_window(deployment, *window, output);
  const std::size_t count = output.count;
  std::cout << count << (count == 1 ? " email" : " emails") << " from "
            << date::format("%F", window->from) << " to " << date::format("%F", window->to) << '\n';
  if (!args.out.empty() && count > 0) {
    std::cout << "each email written to " << output.out_folder.string()
              << " as NNN-kind.eml and NNN-kind.html\n";
  }
  return output.written ? ok : io_error;
}

}  // namespace

Command add_preview_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "preview", "List every email the policy would send in a window; sends and writes nothing");
  auto args = std::make_shared<PreviewArguments>();
  add_config_option(command, args->config);
  command->add_option("--from", args->from, "First day, YYYY-MM-DD (default: today)");
  command->add_option("--to", args->to, "Last day, YYYY-MM-DD (default: 14 days after --from)");
  command->add_flag("--render", args->render,
                    "Print each message: its headers, then its text part");
  command->add_option("--out", args->out,
                      "Also write each message into this folder (made if missing) as "
                      "NNN-kind.eml, the whole message, and NNN-kind.html, its HTML part");
  return [args]() -> int {
    return with_deployment(args->config, "preview", [&](const service::Deployment& deployment) {
      return preview(*args, deployment);
    });
  };
}

}  // namespace plan_reminder::cli
