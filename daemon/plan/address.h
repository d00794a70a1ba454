// Email addresses as the directory and config may write them: a bare addr-spec
// (`dhr-lead@wwin.example.org`) or a mailbox with a display name
// (`Safer Sunderland Partnership <dhr-actions@partnership.example.org>`). Deliberately
// stricter than RFC 5322: no quoted local parts, comments or IP literals, ASCII only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::plan {

// Why `address` is not an acceptable addr-spec, or empty when it is.
std::string address_problem(std::string_view address);

struct NamedAddress {
  std::string name;  // may be empty
  std::string address;
};

// Reads "Name <addr>" or "addr"; on failure returns nullopt and sets `problem`.
std::optional<NamedAddress> parse_named_address(std::string_view text, std::string& problem);

}  // namespace plan_reminder::plan
