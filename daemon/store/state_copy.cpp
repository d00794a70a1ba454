// Moving a whole state from one store to another (see state_copy.h).
#include "store/state_copy.h"

#include <array>
#include <utility>

namespace plan_reminder::store {
namespace {

// Each table with its name, singular and plural, in the order printed.
std::array<std::pair<const char*, std::int64_t>, 5> tables(const TableCounts& counts) {
  return {{{"message", counts.messages},
           {"notice", counts.notices},
           {"setting", counts.settings},
           {"calendar event", counts.calendar_events},
           {"agency update", counts.updates}}};
}

TableCounts counted(const StateContents& contents) {
  return TableCounts{static_cast<std::int64_t>(contents.messages.size()),
                     static_cast<std::int64_t>(contents.notices.size()),
                     static_cast<std::int64_t>(contents.settings.size()),
                     static_cast<std::int64_t>(contents.calendar_events.size()),
                     static_cast<std::int64_t>(contents.updates.size())};
}

}  // namespace

std::string describe(const TableCounts& counts) {
  std::string words;
  for (const auto& [name, count] : tables(counts)) {
    words +=
        (words.empty() ? "" : ", ") + std::to_string(count) + " " + name + (count == 1 ? "" : "s");
  }
  return words;
}

base::Result<CopyCounts> copy_state(StateStore& from, StateStore& to, const std::string& target,
                                    bool replace) {
  const TableCounts before = to.table_counts();
  if (before != TableCounts{} && !replace) {
    return base::Error{"the state at " + target + " is not empty (" + describe(before) +
                       "): give --force to replace it"};
  }
  const StateContents contents = from.contents();
  to.replace_contents(contents);
  CopyCounts counts{counted(contents), to.table_counts()};
  const auto source = tables(counts.source);
  const auto copied = tables(counts.target);
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i].second != copied[i].second) {
      return base::Error{"the copy at " + target + " holds " + std::to_string(copied[i].second) +
                         " rows of " + source[i].first + "s where the source holds " +
                         std::to_string(source[i].second) + ": the copy is not to be trusted"};
    }
  }
  return counts;
}

}  // namespace plan_reminder::store
