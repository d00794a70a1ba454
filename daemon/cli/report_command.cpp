// `plan-reminder report`: the board paper (SPEC §11) as an Excel workbook, CSV or a printable
// HTML page, from the board's view of the plans, the accepted updates and the notification log.
#include "base/replace_file.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "pages/board_page.h"
#include "reports/board_paper.h"
#include "reports/paper_csv.h"
#include "reports/paper_html.h"
#include "reports/paper_xlsx.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace plan_reminder::cli {
namespace {

// Without a digest to count from, the paper covers the four weeks before its day.
constexpr date::days kDefaultPeriod{28};

struct ReportArguments {
  std::string config{default_config_path};
  std::string as_of;
  std::string since;
  std::string format;
  std::string out;
};

// --format, else what --out's name ends in, else html.
std::string format_of(const ReportArguments& args) {
  if (!args.format.empty()) {
    return args.format;
  }
  const std::string extension = std::filesystem::path(args.out).extension().string();
  if (extension == ".xlsx" || extension == ".csv") {
    return extension.substr(1);
  }
  return "html";
}

// The state the config names, when one has been made: the paper reads it and writes nothing.
std::unique_ptr<store::StateStore> existing_state(const plan::Config& config) {
  auto opened = store::StateStore::open_existing(config.state);
  return opened ? std::move(*opened) : nullptr;
}

// --since, else the day of the previous digest before the paper's day, else four weeks before.
std::optional<reports::PaperOptions> paper_options(const ReportArguments& args,
                                                   date::year_month_day as_of,
                                                   const policy::Clock& clock,
                                                   store::StateStore* state) {
  reports::PaperOptions options;
  if (!args.since.empty()) {
    auto since = parse_iso_day(args.since);
    if (!since) {
      std::cerr << "plan-reminder report: --since expects a day as YYYY-MM-DD, got '" << args.since
                << "'\n";
      return std::nullopt;
    }
    options.since = *since;
    options.since_basis = "as asked";
    return options;
  }
  const auto start = clock.zone.at(date::local_days(as_of), std::chrono::minutes(0));
  if (auto digest = state != nullptr ? state->previous_digest(start) : std::nullopt) {
    options.since = date::year_month_day{clock.zone.day_of(*digest)};
    options.since_basis = "the previous digest";
    return options;
  }
  options.since = date::year_month_day{date::sys_days(as_of) - kDefaultPeriod};
  options.since_basis = "four weeks before the paper; no digest has been sent before it";
  return options;
}

// The paper in `format`, or the reason it could not be made.
base::Result<std::string> render(const reports::BoardPaper& paper, const std::string& format,
                                 const std::string& out_file) {
  if (format == "csv") {
    return reports::paper_csv(paper);
  }
  if (format == "html") {
    return reports::paper_html(paper);
  }
  // The scratch file sits beside the paper when there is one (same file system, same rights).
  const std::filesystem::path folder = std::filesystem::path(out_file).parent_path();
  return reports::paper_xlsx(paper, out_file.empty()
                                        ? std::filesystem::temp_directory_path().string()
                                    : folder.empty() ? std::string(".")
                                                     : folder.string());
}

int write_paper(const std::string& bytes, const std::string& out_file) {
  if (out_file.empty()) {
    std::cout << bytes;
    std::cout.flush();
    return std::cout ? ok : io_error;
  }
  if (auto written = base::write_file_atomically(out_file, bytes, true); !written) {
    std::cerr << "plan-reminder report: " << written.error().message << '\n';
    return io_error;
  }
  return ok;
}

int report(const ReportArguments& args, const std::optional<date::year_month_day>& as_of) {
  const std::string format = format_of(args);
  if (format == "xlsx" && args.out.empty() && ::isatty(STDOUT_FILENO) != 0) {
    std::cerr << "plan-reminder report: an Excel workbook is not for a terminal; name a file "
                 "with --out, e.g. --out board-paper.xlsx\n";
    return usage;
  }
  plan::SnapshotLoader loader;
  plan::LoadResult loaded = loader.load(args.config);
  if (!loaded.snapshot) {
    print_diagnostics(loaded.diagnostics, std::cerr);
    std::cerr << "plan-reminder report: fix the problems above (see 'plan-reminder check')\n";
    return exit_code_for(loaded.diagnostics);
  }
  const policy::Clock clock = policy::clock_for(loaded.snapshot->config);
  const date::year_month_day day = as_of ? *as_of : today_in(loaded.snapshot->config.timezone);
  std::unique_ptr<store::StateStore> state = existing_state(loaded.snapshot->config);
  const auto applied = in_effect(loaded.snapshot, state.get());
  print_update_standings(applied, std::cerr);
  auto options = paper_options(args, day, clock, state.get());
  if (!options) {
    return usage;
  }
  options->marking = loaded.snapshot->config.classification;
  reports::PaperSources sources;
  pages::BoardView board =
      pages::board_view(*applied.snapshot, day, {}, state ? state->handled_keys() : base::KeySet{});
  sources.board = &board;
  sources.plans = applied.snapshot.get();
  sources.zone = &clock.zone;
  if (state) {
    sources.notices = state->notices_since(date::sys_seconds{});
    sources.updates = state->updates({store::UpdateState::accepted});
  }
  auto bytes = render(reports::board_paper(sources, *options), format, args.out);
  if (!bytes) {
    std::cerr << "plan-reminder report: " << bytes.error().message << '\n';
    return io_error;
  }
  return write_paper(*bytes, args.out);
}

}  // namespace

Command add_report_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "report", "Write the board paper: status, changes and chase history per review");
  auto args = std::make_shared<ReportArguments>();
  add_config_option(command, args->config);
  command->add_option("--as-of", args->as_of, "The day to report on, YYYY-MM-DD (default: today)");
  command->add_option("--since", args->since,
                      "Report changes since YYYY-MM-DD (default: the previous digest, else four "
                      "weeks before)");
  command
      ->add_option("--format", args->format,
                   "xlsx, csv or html (default: from --out's extension, else html)")
      ->check(CLI::IsMember({"xlsx", "csv", "html"}));
  command->add_option("--out", args->out,
                      "Write the paper to FILE (default: standard output; xlsx needs a file)");
  return [args]() -> int {
    std::optional<date::year_month_day> as_of;
    if (!args->as_of.empty()) {
      as_of = parse_iso_day(args->as_of);
      if (!as_of) {
        std::cerr << "plan-reminder report: --as-of expects a day as YYYY-MM-DD, got '"
                  << args->as_of << "'\n";
        return usage;
      }
    }
    return report(*args, as_of);
  };
}

}  // namespace plan_reminder::cli
