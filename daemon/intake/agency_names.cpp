// Matching agency names from a table to the directory.
#include "intake/agency_names.h"

#include "base/ascii.h"
#include "plan/schema.h"

#include <algorithm>
#include <array>

namespace plan_reminder::intake {
namespace {

// Words that join names in one cell; a name such as "Office of the Police and Crime
// Commissioner" contains one, so the longest run of pieces that is a known name wins.
constexpr std::array<std::string_view, 5> kSeparators = {",", " and ", " & ", ";", "\n"};
constexpr std::array<std::string_view, 3> kSupportWords = {" with support from ", " supported by ",
                                                           " with support of "};

struct Piece {
  std::size_t begin;
  std::size_t end;
};

// The names between separators, as spans of `text`.
std::vector<Piece> pieces_of(std::string_view text) {
  std::vector<Piece> pieces;
  const std::string lower = base::ascii_lower(text);
  std::size_t begin = 0;
  for (std::size_t at = 0; at < lower.size();) {
    std::size_t matched = 0;
    for (auto separator : kSeparators) {
      if (lower.compare(at, separator.size(), separator) == 0) {
        matched = separator.size();
        break;
      }
    }
    if (matched == 0) {
      ++at;
      continue;
    }
    pieces.push_back({begin, at});
    at += matched;
    begin = at;
  }
  pieces.push_back({begin, text.size()});
  return pieces;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && base::is_ascii_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && base::is_ascii_space(text.back())) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

}  // namespace

std::string fold_name(std::string_view name) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    // U+2018 and U+2019, the apostrophes Word types.
    if (name.compare(i, 3, "\xE2\x80\x99") == 0 || name.compare(i, 3, "\xE2\x80\x98") == 0) {
      out += '\'';
      i += 2;
      continue;
    }
    if (base::is_ascii_space(name[i])) {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += base::ascii_lower(name[i]);
  }
  while (!out.empty() && out.back() == '.') {
    out.pop_back();
  }
  // "the Domestic Abuse Strategic Projects Group" is that group.
  if (out.starts_with("the ")) {
    out.erase(0, 4);
  }
  return out;
}

AgencyNames::AgencyNames(const plan::Directory& directory) : directory_file_(directory.file) {
  for (const auto& [id, agency] : directory.agencies) {
    ids_.emplace(fold_name(id), id);
    if (!agency.mailbox.name.empty()) {
      ids_.emplace(fold_name(agency.mailbox.name), id);
    }
    for (const auto& alias : agency.aliases) {
      ids_.emplace(fold_name(alias), id);
    }
  }
}

std::string AgencyNames::unknown(std::string_view name) const {
  const std::string folded = fold_name(name);
  std::string message = "unknown agency \"" + trimmed(name) + "\"";
  std::string nearest;
  std::size_t best = std::max<std::size_t>(2, folded.size() / 3) + 1;
  for (const auto& [known, id] : ids_) {
    const std::size_t distance = plan::edit_distance(folded, known);
    if (distance < best) {
      best = distance;
      nearest = id;
    }
  }
  if (!nearest.empty()) {
    message += " (did you mean \"" + nearest + "\"?)";
  }
  message += "; name it as the directory";
  if (!directory_file_.empty()) {
    message += " " + directory_file_;
  }
  message += " does (its id, name or one of its aliases:), or add it there";
  return message;
}

base::Result<std::vector<std::string>> AgencyNames::read_list(std::string_view text) const {
  const std::vector<Piece> pieces = pieces_of(text);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < pieces.size();) {
    if (trimmed(text.substr(pieces[i].begin, pieces[i].end - pieces[i].begin)).empty()) {
      ++i;
      continue;
    }
    std::size_t taken = 0;
    for (std::size_t j = pieces.size(); j > i && taken == 0; --j) {
      const auto span = text.substr(pieces[i].begin, pieces[j - 1].end - pieces[i].begin);
      if (auto found = ids_.find(fold_name(span)); found != ids_.end()) {
        if (std::find(ids.begin(), ids.end(), found->second) == ids.end()) {
          ids.push_back(found->second);
        }
        taken = j - i;
      }
    }
    if (taken == 0) {
      return base::Error{unknown(text.substr(pieces[i].begin, pieces[i].end - pieces[i].begin))};
    }
    i += taken;
  }
  return ids;
}

base::Result<LeadAndSupport> AgencyNames::read(std::string_view cell) const {
  const std::string lower = base::ascii_lower(cell);
  std::size_t split = std::string::npos;
  std::size_t length = 0;
  for (auto words : kSupportWords) {
    if (auto at = lower.find(words); at != std::string::npos && at < split) {
      split = at;
      length = words.size();
    }
  }
  LeadAndSupport out;
  auto lead = read_list(cell.substr(0, split));
  if (!lead) {
    return lead.error();
  }
  out.lead = std::move(*lead);
  if (out.lead.empty()) {
    return base::Error{"no lead agency is named"};
  }
  if (split != std::string::npos) {
    auto support = read_list(cell.substr(split + length));
    if (!support) {
      return support.error();
    }
    for (auto& id : *support) {
      if (std::find(out.lead.begin(), out.lead.end(), id) == out.lead.end()) {
        out.support.push_back(std::move(id));
      }
    }
  }
  return out;
}

}  // namespace plan_reminder::intake
