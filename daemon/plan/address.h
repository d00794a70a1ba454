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

// Why `name` cannot be the display name of an address ("Name <addr>"), or empty when it can:
// a '<', '>' or '"' in it would let it pose as another address in a mail client.
std::string display_name_problem(std::string_view name);

// Whether two addr-specs name the same mailbox: domains are case-insensitive, and in practice
// so are local parts (RFC 5321 allows otherwise; no real server does).
bool same_address(std::string_view a, std::string_view b);

// `address` in the form same_address() compares: ASCII letters in lower case.
std::string folded_address(std::string_view address);

// The host of an smtp:// or smtps:// URL ("mail.example.org", "[::1]"), lower case, or empty
// when it names none.
std::string url_host(std::string_view url);

// Whether plaintext to `host` never leaves the machine: localhost, 127.0.0.0/8, ::1 and
// ::ffff:127.x.x.x, with or without brackets or a final '.'. Nothing else, however it is
// spelt (10.1.2.3, 127.0.0.1.evil.example, localhost.evil.example, [::ffff:10.1.2.3]).
bool is_loopback_host(std::string_view host);

struct NamedAddress {
  std::string name;  // may be empty
  std::string address;
};

// Reads "Name <addr>" or "addr"; on failure returns nullopt and sets `problem`.
std::optional<NamedAddress> parse_named_address(std::string_view text, std::string& problem);

}  // namespace plan_reminder::plan
