// `plan-reminder import FILE --review-id ID --title TEXT`: the action-plan table a partnership
// already has (Word, Excel, CSV) into a plan file, written atomically, then checked as
// `plan-reminder check` would check it.
#include "base/ascii.h"
#include "base/replace_file.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "intake/plan_import.h"
#include "plan/loaders.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace plan_reminder::cli {
namespace {

struct ImportArguments {
  std::string config = std::string(default_config_path);
  std::string file;
  intake::ImportOptions options;
  std::string out;
  bool force = false;
};

// The largest document read: the zip reader's own limits bound what it unpacks.
constexpr std::size_t kMaxDocumentBytes = std::size_t{32} * 1024 * 1024;

bool is_slug(std::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() == '-') {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || base::is_ascii_digit(c) || c == '-';
  });
}

// Where the plan goes without --out: REVIEW-ID.yaml in the plans folder, when `plans:` names
// one folder (or `folder/*.yaml`); empty when the config does not say one place.
std::string default_out(const plan::Config& config, const std::string& review_id) {
  if (config.plan_sources.size() != 1) {
    return {};
  }
  std::filesystem::path source(config.plan_sources.front().path);
  std::error_code error;
  if (source.filename() == "*.yaml") {
    source = source.parent_path();
  }
  if (!std::filesystem::is_directory(source, error)) {
    return {};
  }
  return (source / (review_id + ".yaml")).string();
}

// Reads and converts the table; prints the problem and returns false when it cannot.
std::optional<std::string> imported_yaml(const ImportArguments& arguments,
                                         const plan::Directory& directory) {
  auto bytes = plan::read_file(arguments.file, kMaxDocumentBytes);
  if (!bytes) {
    std::cerr << "plan-reminder import: cannot read " << arguments.file << ": "
              << bytes.error().message << '\n';
    return std::nullopt;
  }
  const std::string name = std::filesystem::path(arguments.file).filename().string();
  auto tables = intake::read_tables(*bytes, name);
  if (!tables) {
    std::cerr << tables.error().message << '\n';
    return std::nullopt;
  }
  auto plan = intake::build_plan(*tables, name, arguments.options, directory);
  if (!plan) {
    std::cerr << plan.error().message << '\n';
    return std::nullopt;
  }
  return intake::to_yaml(*plan);
}

// `check` on the new plan with the deployment's directory: every problem, then a summary.
int check_plan(const std::string& text, const std::string& file, const plan::Config& config,
               const plan::Directory& directory) {
  plan::Diagnostics diagnostics;
  auto plan = plan::parse_plan(text, file, config.quarters, diagnostics);
  if (plan) {
    plan::check_agency_references(*plan, directory, diagnostics);
  }
  print_diagnostics(diagnostics, std::cerr);
  if (!plan || !diagnostics.empty()) {
    std::cerr << diagnostics.size() << (diagnostics.size() == 1 ? " problem" : " problems")
              << " found in " << file << "\n";
    return exit_code_for(diagnostics);
  }
  std::size_t actions = 0;
  std::size_t milestones = 0;
  for (const auto& recommendation : plan->recommendations) {
    actions += recommendation.actions.size();
    for (const auto& action : recommendation.actions) {
      milestones += action.milestones.size();
    }
  }
  std::cout << "ok: " << file << ": " << plan->recommendations.size() << " recommendations, "
            << actions << " actions, " << milestones << " milestones\n";
  return ok;
}

int run_import(const ImportArguments& arguments, const plan::Config& config) {
  plan::Diagnostics diagnostics;
  auto directory = plan::load_directory(config.directory, diagnostics);
  if (!directory || !diagnostics.empty()) {
    print_diagnostics(diagnostics, std::cerr);
    return config_error;
  }
  const std::string out =
      arguments.out.empty() ? default_out(config, arguments.options.review_id) : arguments.out;
  if (out.empty()) {
    std::cerr << "plan-reminder import: `plans:` in " << config.file
              << " names no single folder to put the plan in: give --out FILE\n";
    return usage;
  }
  auto yaml = imported_yaml(arguments, *directory);
  if (!yaml) {
    return data_error;
  }
  if (auto written = base::write_file_atomically(out, *yaml, arguments.force); !written) {
    std::cerr << "plan-reminder import: " << written.error().message
              << (arguments.force ? "" : " (give --force to replace it)") << '\n';
    return io_error;
  }
  std::cout << "wrote " << out << '\n';
  return check_plan(*yaml, out, config, *directory);
}

}  // namespace

Command add_import_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "import",
      "Make a plan file from the action-plan table of a Word document, a spreadsheet or CSV, "
      "then check it");
  auto arguments = std::make_shared<ImportArguments>();
  add_config_option(command, arguments->config);
  command->add_option("FILE", arguments->file, "The .docx, .xlsx or .csv file")->required();
  command
      ->add_option("--review-id", arguments->options.review_id,
                   "The review's id: lowercase letters, digits and '-' (e.g. dhr-david)")
      ->required();
  command->add_option("--title", arguments->options.title, "The review's title")->required();
  command->add_option("--published", arguments->options.published,
                      "The date the review was published (YYYY-MM-DD)");
  command->add_option("--out", arguments->out,
                      "The plan file to write (default: REVIEW-ID.yaml in the plans folder)");
  command->add_flag("--force", arguments->force, "Replace the plan file if it exists");
  return [arguments]() -> int {
    if (!is_slug(arguments->options.review_id)) {
      std::cerr << "plan-reminder import: --review-id \"" << arguments->options.review_id
                << "\" is not an id: expected lowercase letters, digits and '-'\n";
      return usage;
    }
    if (!arguments->options.published.empty() && !parse_iso_day(arguments->options.published)) {
      std::cerr << "plan-reminder import: --published \"" << arguments->options.published
                << "\" is not a date: expected YYYY-MM-DD\n";
      return usage;
    }
    return with_config(arguments->config,
                       [&](const plan::Config& config) { return run_import(*arguments, config); });
  };
}

}  // namespace plan_reminder::cli
