// How every engine writes values as text and reads them back (see stored_text.h).
#include "store/stored_text.h"

#include "base/iso_day.h"

namespace plan_reminder::store {

std::string join_recipients(const std::vector<std::string>& recipients) {
  std::string joined;
  for (const auto& recipient : recipients) {
    if (recipient.find_first_of("\r\n") != std::string::npos) {
      throw std::invalid_argument("an outbox recipient contains a line break: " + recipient);
    }
    if (!joined.empty()) {
      joined += '\n';
    }
    joined += recipient;
  }
  return joined;
}

std::vector<std::string> split_recipients(std::string_view joined) {
  std::vector<std::string> recipients;
  while (!joined.empty()) {
    const auto end = joined.find('\n');
    recipients.emplace_back(joined.substr(0, end));
    if (end == std::string_view::npos) {
      break;
    }
    joined.remove_prefix(end + 1);
  }
  return recipients;
}

std::optional<date::year_month_day> stored_day(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  auto day = base::parse_iso_day(text);
  if (!day) {
    throw std::runtime_error("a date in the state database is not YYYY-MM-DD: \"" + text + "\"");
  }
  return day;
}

}  // namespace plan_reminder::store
