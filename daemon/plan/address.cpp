#include "plan/address.h"

#include "base/ascii.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace plan_reminder::plan {
namespace {

bool is_atext(char c) {
  if (base::is_ascii_alnum(c)) {
    return true;
  }
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_label_char(char c) {
  return base::is_ascii_alnum(c) || c == '-';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string address_problem(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos) {
    return "has no '@'";
  }
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  if (local.empty()) {
    return "has nothing before the '@'";
  }
  if (local.size() > 64) {
    return "has a local part longer than 64 characters";
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return "has a misplaced '.' before the '@'";
  }
  for (char c : local) {
    if (c != '.' && !is_atext(c)) {
      return std::string("has a character that is not allowed before the '@': '") + c + "'";
    }
  }
  if (domain.empty()) {
    return "has no domain after the '@'";
  }
  if (domain.size() > 253) {
    return "has a domain longer than 253 characters";
  }
  if (domain.find('.') == std::string_view::npos) {
    return "has a domain without a '.'";
  }
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) {
      end = domain.size();
    }
    std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), is_label_char)) {
      return "has an invalid domain '" + std::string(domain) + "'";
    }
    start = end + 1;
  }
  return {};
}

std::string display_name_problem(std::string_view name) {
  if (name.find_first_of("\"<>") != std::string_view::npos) {
    return "has '\"', '<' or '>', which would let a name pose as an address; write the name "
           "alone";
  }
  return {};
}

std::string folded_address(std::string_view address) {
  return base::ascii_lower(address);
}

bool same_address(std::string_view a, std::string_view b) {
  return base::equals_ignoring_ascii_case(a, b);
}

std::string url_host(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return {};
  }
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    host = close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  return folded_address(host);
}

bool is_loopback_host(std::string_view host_text) {
  std::string host = folded_address(host_text);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty() && host.back() == '.') {
    host.pop_back();
  }
  if (host == "localhost") {
    return true;
  }
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
  }
  return false;
}

std::optional<NamedAddress> parse_named_address(std::string_view text, std::string& problem) {
  text = trim(text);
  NamedAddress result;
  auto open = text.find('<');
  if (open == std::string_view::npos) {
    result.address = std::string(text);
  } else {
    if (text.back() != '>' || text.find('<', open + 1) != std::string_view::npos) {
      problem = "expected 'Name <address>' with the address in angle brackets at the end";
      return std::nullopt;
    }
    std::string_view name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    if (!display_name_problem(name).empty()) {
      problem = "has a display name with '\"', '<' or '>'";
      return std::nullopt;
    }
    result.name = std::string(name);
    result.address = std::string(trim(text.substr(open + 1, text.size() - open - 2)));
  }
  problem = address_problem(result.address);
  if (!problem.empty()) {
    return std::nullopt;
  }
  return result;
}

}  // namespace plan_reminder::plan
