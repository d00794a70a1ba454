// Choosing the engine of a state by its location: a PostgreSQL URL or a SQLite file.
#include "store/state_store.h"

#include "store/engines.h"

namespace plan_reminder::store {

bool is_postgresql_location(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string printable_location(std::string_view location) {
  if (!is_postgresql_location(location)) {
    return std::string(location);
  }
  const auto scheme_end = location.find("://") + 3;
  std::string_view rest = location.substr(scheme_end);
  std::string printable(location.substr(0, scheme_end));
  // The authority ends at the path, the query or the fragment; its user information at the
  // last '@' (a password's own '@' is percent-encoded).
  const auto authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view user_info = authority.substr(0, at);
    printable += user_info.substr(0, user_info.find(':'));
    printable += authority.substr(at);
  } else {
    printable += authority;
  }
  if (authority_end == std::string_view::npos) {
    return printable;
  }
  rest.remove_prefix(authority_end);
  const auto query = rest.find('?');
  printable += rest.substr(0, query);
  if (query == std::string_view::npos) {
    return printable;
  }
  // Every query parameter but the password, in order.
  std::string_view parameters = rest.substr(query + 1);
  std::string kept;
  while (!parameters.empty()) {
    const auto end = parameters.find('&');
    const std::string_view parameter = parameters.substr(0, end);
    if (parameter.rfind("password=", 0) != 0 && parameter != "password") {
      kept += (kept.empty() ? "" : "&") + std::string(parameter);
    }
    if (end == std::string_view::npos) {
      break;
    }
    parameters.remove_prefix(end + 1);
  }
  if (!kept.empty()) {
    printable += "?" + kept;
  }
  return printable;
}

std::unique_ptr<StateStore> StateStore::open(const std::string& location) {
  if (is_postgresql_location(location)) {
    return open_postgresql_state(location);
  }
  return open_sqlite_state(location);
}

base::Result<std::unique_ptr<StateStore>> StateStore::open_existing(const std::string& location) {
  if (is_postgresql_location(location)) {
    return open_existing_postgresql_state(location);
  }
  return open_existing_sqlite_state(location);
}

}  // namespace plan_reminder::store
