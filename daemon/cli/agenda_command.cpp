// `plan-reminder agenda`: every milestone with its state, due date, days and RAG, as a table
// for people or JSON/CSV for scripts.
#include "base/utf8.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "plan/review_types.h"
#include "policy/agenda.h"
#include "reports/paper_csv.h"

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sstream>

namespace plan_reminder::cli {
namespace {

struct AgendaArguments {
  std::string config{default_config_path};
  std::string as_of;
  int horizon = 28;
  std::string agency;
  std::string review;
  std::string format = "text";
};

std::string leads(const plan::Action& action, std::string_view separator) {
  std::string out;
  for (const auto& ref : action.lead) {
    if (!out.empty()) {
      out += separator;
    }
    out += ref.id;
  }
  return out;
}

std::string milestone_text(const policy::AgendaItem& item) {
  return item.milestone->text.empty() ? item.action->text : item.milestone->text;
}

// A JSON string as nlohmann's dump() writes it. ASCII text, nearly all of a plan, is escaped
// here; any other goes through nlohmann itself, which also refuses what is not UTF-8.
void append_json_string(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      out += nlohmann::json(std::string(text)).dump();
      return;
    }
  }
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
          out += kHex[static_cast<unsigned char>(c) & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// One item as a JSON object, as the array's element: its keys in nlohmann's order (sorted), laid
// out as dump(2) lays them out, four more spaces in. Written by hand: building an nlohmann
// object per item (a map of values) was a third of a national agenda's time.
void append_item_json(std::string& out, const policy::AgendaItem& item) {
  const plan::Milestone& milestone = *item.milestone;
  const char* separator = "{\n      ";
  auto key = [&](std::string_view name) {
    out += separator;
    out += '"';
    out += name;
    out += "\": ";
    separator = ",\n      ";
  };
  auto text = [&](std::string_view name, std::string_view value) {
    key(name);
    append_json_string(out, value);
  };
  auto day_or_null = [&](std::string_view name, const std::optional<date::year_month_day>& day) {
    key(name);
    if (day) {
      append_json_string(out, iso_day(day));
    } else {
      out += "null";
    }
  };
  text("action", item.action->id);
  key("days");
  out += item.standing.days ? std::to_string(*item.standing.days) : std::string("null");
  if (milestone.done) {
    text("done", iso_day(milestone.done));
  }
  day_or_null("due", item.standing.due);
  key("lead");
  if (item.action->lead.empty()) {
    out += "[]";
  } else {
    const char* between = "[\n        ";
    for (const auto& ref : item.action->lead) {
      out += between;
      append_json_string(out, ref.id);
      between = ",\n        ";
    }
    out += "\n      ]";
  }
  text("milestone", milestone.id);
  // What accepted updates add (SPEC §9).
  if (milestone.not_implemented) {
    text("not_implemented", *milestone.not_implemented);
  }
  if (!milestone.progress.empty()) {
    text("progress", milestone.progress);
  }
  if (!milestone.progress_notes.empty()) {
    key("progress_notes");
    const char* between = "[\n        ";
    for (const auto& note : milestone.progress_notes) {
      out += between;
      out += "{\n          \"on\": ";
      append_json_string(out, iso_day(note.on));
      out += ",\n          \"text\": ";
      append_json_string(out, note.text);
      out += "\n        }";
      between = ",\n        ";
    }
    out += "\n      ]";
  }
  text("rag", policy::to_string(item.standing.rag));
  text("review", item.plan->review.id);
  text("review_type", plan::facts(item.plan->review.type).id);
  if (milestone.revised_target) {
    text("revised_target", milestone.revised_target->wording);
  }
  text("state", policy::to_string(item.standing.state));
  text("target", milestone.target.wording);
  text("text", milestone_text(item));
  out += "\n    }";
}

// {"as_of": ..., "items": [...]}, indented by two as nlohmann's dump(2) would, written an item
// at a time: a national agenda (100,000 items) never stands whole in memory.
void write_json(const std::vector<policy::AgendaItem>& items, date::year_month_day as_of,
                std::ostream& out) {
  std::string text = "{\n  \"as_of\": ";
  append_json_string(text, iso_day(as_of));
  text += ",\n  \"items\": [";
  const char* separator = "\n    ";
  for (const auto& item : items) {
    text += separator;
    append_item_json(text, item);
    separator = ",\n    ";
    if (text.size() > std::size_t{64} * 1024) {
      out << text;
      text.clear();
    }
  }
  text += items.empty() ? "]" : "\n  ]";
  text += "\n}\n";
  out << text;
}

// For Excel: UTF-8 with a byte-order mark (without it Excel reads the text as Windows-1252)
// and CRLF line ends; text Excel would take for a formula is guarded (reports/paper_csv.h), as
// in the board paper. The target is the wording the plan gave; a revised target has its own
// column, so that a sheet can sort and filter on either.
void write_csv(const std::vector<policy::AgendaItem>& items, std::ostream& out) {
  out << "\xEF\xBB\xBF"
      << "review,recommendation,action,milestone,text,lead,target,revised_target,due,state,days,"
         "rag,completed,progress\r\n";
  for (const auto& item : items) {
    const plan::Milestone& milestone = *item.milestone;
    out << reports::csv_cell(item.plan->review.id) << ','
        << reports::csv_cell(item.recommendation->id) << ',' << reports::csv_cell(item.action->id)
        << ',' << reports::csv_cell(milestone.id) << ',' << reports::csv_cell(milestone_text(item))
        << ',' << reports::csv_cell(leads(*item.action, ";")) << ','
        << reports::csv_cell(milestone.target.wording) << ','
        << reports::csv_cell(milestone.revised_target ? milestone.revised_target->wording : "")
        << ',' << iso_day(item.standing.due) << ',' << policy::to_string(item.standing.state) << ','
        << (item.standing.days ? std::to_string(*item.standing.days) : std::string()) << ','
        << policy::to_string(item.standing.rag) << ',' << iso_day(milestone.done) << ','
        << reports::csv_cell(milestone.progress.empty() || item.action->progress.empty()
                                 ? milestone.progress + item.action->progress
                                 : milestone.progress + "\n" + item.action->progress)
        << "\r\n";
  }
}

// Display width of UTF-8 text, counting code points (good enough for the Latin text of plans).
std::size_t width(std::string_view text) {
  return base::count_characters(text);
}

// One line of at most `limit` code points, ending in "…" when cut.
std::string fit(std::string_view text, std::size_t limit) {
  std::string flat;
  for (char c : text) {
    flat += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  if (width(flat) <= limit) {
    return flat;
  }
  // limit - 1 characters and the "…".
  return flat.substr(0, base::offset_of_character(flat, limit - 1)) + "…";
}

std::string pad(const std::string& text, std::size_t to) {
  std::size_t w = width(text);
  return w >= to ? text : text + std::string(to - w, ' ');
}

std::string days_phrase(const policy::AgendaItem& item) {
  const policy::MilestoneStanding& standing = item.standing;
  using policy::MilestoneState;
  if (standing.state == MilestoneState::complete) {
    return item.milestone->done ? "done " + iso_day(item.milestone->done) : "done";
  }
  if (standing.state == MilestoneState::not_implemented) {
    return "closed";
  }
  if (!standing.days || standing.state == MilestoneState::on_hold) {
    return "-";
  }
  int days = *standing.days;
  if (days == 0) {
    return "today";
  }
  std::string n = std::to_string(days < 0 ? -days : days);
  std::string unit = (days == 1 || days == -1) ? " day" : " days";
  return days < 0 ? n + unit + " late" : "in " + n + unit;
}

std::string_view heading(policy::MilestoneState state) {
  using policy::MilestoneState;
  switch (state) {
    case MilestoneState::overdue:
      return "OVERDUE";
    case MilestoneState::due:
      return "DUE TODAY";
    case MilestoneState::upcoming:
      return "UPCOMING";
    case MilestoneState::later:
      return "LATER";
    case MilestoneState::undated:
      return "UNDATED (needs a target date)";
    case MilestoneState::pending:
      return "PENDING (waiting for the review's publication date)";
    case MilestoneState::ongoing:
      return "ONGOING";
    case MilestoneState::complete:
      return "COMPLETE";
    case MilestoneState::on_hold:
      return "ON HOLD";
    case MilestoneState::not_implemented:
      return "WILL NOT BE IMPLEMENTED";
  }
  return "";
}

// `text` in the colour of `rag` (red, amber, green), when colour is on.
std::string paint(const std::string& text, policy::Rag rag, bool colour) {
  if (!colour) {
    return text;
  }
  const char* code = rag == policy::Rag::red     ? "\033[1;31m"
                     : rag == policy::Rag::amber ? "\033[1;33m"
                                                 : "\033[1;32m";
  return code + text + "\033[0m";
}

using Row = std::vector<std::string>;

const Row& table_headers() {
  static const Row headers{"DUE", "WHEN", "RAG", "REVIEW", "ACTION", "MILESTONE", "LEAD", "TARGET"};
  return headers;
}

// The headers, then one row for each of `group`.
std::vector<Row> group_rows(std::span<const policy::AgendaItem> group) {
  std::vector<Row> rows{table_headers()};
  for (const auto& item : group) {
    rows.push_back({item.standing.due ? iso_day(item.standing.due) : "-", days_phrase(item),
                    std::string(policy::to_string(item.standing.rag)), item.plan->review.id,
                    item.action->id, fit(milestone_text(item), 48),
                    fit(leads(*item.action, ", "), 28), fit(item.milestone->target_display(), 40)});
  }
  return rows;
}

// The widest cell of each column.
std::vector<std::size_t> column_widths(const std::vector<Row>& rows) {
  std::vector<std::size_t> widths(table_headers().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], width(row[c]));
    }
  }
  return widths;
}

// One table line: the cells padded to their column, the RAG one painted in the colour of
// `item` (none for the headers), no trailing spaces.
std::string table_line(const Row& row, const std::vector<std::size_t>& widths,
                       const policy::AgendaItem* item, bool colour) {
  std::string line = " ";
  for (std::size_t c = 0; c < row.size(); ++c) {
    std::string cell = c + 1 == row.size() ? row[c] : pad(row[c], widths[c]);
    if (c == 2 && item != nullptr) {
      cell = paint(cell, item->standing.rag, colour);
    }
    line += ' ' + cell;
    if (c + 1 < row.size()) {
      line += ' ';
    }
  }
  while (!line.empty() && line.back() == ' ') {
    line.pop_back();
  }
  return line;
}

// The heading of a group of milestones in one state, then its table.
void write_group(std::span<const policy::AgendaItem> group, bool colour, std::ostream& out) {
  const std::vector<Row> rows = group_rows(group);
  const std::vector<std::size_t> widths = column_widths(rows);
  const policy::AgendaItem& first = group.front();
  out << '\n'
      << paint(
             std::string(heading(first.standing.state)) + " (" + std::to_string(group.size()) + ")",
             first.standing.rag, colour)
      << '\n';
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const policy::AgendaItem* item = r > 0 ? &group[r - 1] : nullptr;
    out << table_line(rows[r], widths, item, colour) << '\n';
  }
}

void write_text(const std::vector<policy::AgendaItem>& items, date::year_month_day as_of,
                int horizon, bool colour, std::ostream& out) {
  out << "Agenda as of " << date::format("%A ", as_of) << static_cast<unsigned>(as_of.day())
      << date::format(" %B %Y", as_of) << " (upcoming: next " << horizon << " days), "
      << items.size() << (items.size() == 1 ? " milestone" : " milestones") << '\n';
  // The items come sorted by state: one group for each run of the same state.
  std::size_t i = 0;
  while (i < items.size()) {
    std::size_t end = i;
    while (end < items.size() && items[end].standing.state == items[i].standing.state) {
      ++end;
    }
    write_group(std::span(items).subspan(i, end - i), colour, out);
    i = end;
  }
}

// The report options the arguments ask for, or nothing after saying which agency or review
// is unknown.
std::optional<policy::AgendaOptions> options_or_report(
    const AgendaArguments& args, const std::optional<date::year_month_day>& as_of,
    const plan::Snapshot& snapshot) {
  policy::AgendaOptions options;
  options.as_of = as_of ? *as_of : today_in(snapshot.config.timezone);
  options.horizon_days = args.horizon;
  if (!args.agency.empty()) {
    if (snapshot.directory.find(args.agency) == nullptr) {
      std::cerr << "plan-reminder agenda: no agency '" << args.agency << "' in "
                << snapshot.directory.file << '\n';
      return std::nullopt;
    }
    options.agency = args.agency;
  }
  if (!args.review.empty()) {
    bool known = false;
    for (const auto& plan : snapshot.plans) {
      known = known || plan->review.id == args.review;
    }
    if (!known) {
      std::cerr << "plan-reminder agenda: no review '" << args.review << "' in the plans\n";
      return std::nullopt;
    }
    options.review = args.review;
  }
  return options;
}

// The agenda in the --format asked for, on standard output.
void write_agenda(const std::vector<policy::AgendaItem>& items,
                  const policy::AgendaOptions& options, const std::string& format) {
  if (format == "json") {
    write_json(items, options.as_of, std::cout);
  } else if (format == "csv") {
    write_csv(items, std::cout);
  } else {
    bool colour = ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
    write_text(items, options.as_of, options.horizon_days, colour, std::cout);
  }
}

}  // namespace

Command add_agenda_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "agenda",
      "Show every milestone's state: overdue, due, upcoming, later, undated, pending, "
      "ongoing, complete or on hold");
  auto args = std::make_shared<AgendaArguments>();
  add_config_option(command, args->config);
  command->add_option("--as-of", args->as_of, "The day to report on, YYYY-MM-DD (default: today)");
  command->add_option("--horizon", args->horizon, "Days ahead counted as upcoming")
      ->capture_default_str()
      ->check(CLI::Range(0, 3660));
  command->add_option("--agency", args->agency, "Only actions this agency leads or supports");
  command->add_option("--review", args->review, "Only this review (its id)");
  command->add_option("--format", args->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "csv"}));
  return [args]() -> int {
    std::optional<date::year_month_day> as_of;
    if (!args->as_of.empty()) {
      as_of = parse_iso_day(args->as_of);
      if (!as_of) {
        std::cerr << "plan-reminder agenda: --as-of expects a day as YYYY-MM-DD, got '"
                  << args->as_of << "'\n";
        return usage;
      }
    }
    plan::SnapshotLoader loader;
    loader.use_parse_cache();
    plan::LoadResult result = loader.load(args->config);
    if (!result.snapshot) {
      print_diagnostics(result.diagnostics, std::cerr);
      std::cerr << "plan-reminder agenda: fix the problems above (see 'plan-reminder check')\n";
      return exit_code_for(result.diagnostics);
    }
    const auto options = options_or_report(*args, as_of, *result.snapshot);
    if (!options) {
      return usage;
    }
    const auto applied = in_effect(result.snapshot);
    print_update_standings(applied, std::cerr);
    write_agenda(policy::build_agenda(applied.snapshot->plans, *options), *options, args->format);
    std::cout.flush();
    return std::cout ? ok : io_error;
  };
}

}  // namespace plan_reminder::cli
