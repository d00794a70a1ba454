// Marking emails with the protective marking (see marking.h).
#include "mail/marking.h"

#include "base/ascii.h"

namespace plan_reminder::mail {
namespace {

// Where `tag` ("<body") opens in `html`, matched without regard to case, as a whole tag name.
std::size_t find_tag(std::string_view html, std::string_view tag) {
  for (std::size_t at = 0; at + tag.size() <= html.size(); ++at) {
    if (base::equals_ignoring_ascii_case(html.substr(at, tag.size()), tag)) {
      const std::size_t end = at + tag.size();
      if (end == html.size() || html[end] == '>' || base::is_ascii_space(html[end])) {
        return at;
      }
    }
  }
  return std::string_view::npos;
}

// The marking as the first line of an email's HTML body: inline styles, as mail clients drop
// style sheets. The marking holds no character HTML gives a meaning to (config_loader.cpp).
std::string html_banner(std::string_view marking) {
  return "<p style=\"margin:0;padding:6px 16px;background-color:#ffffff;color:#1f2937;"
         "font-family:Arial,sans-serif;font-size:14px;font-weight:bold;text-align:center;"
         "letter-spacing:1px;\">" +
         std::string(marking) + "</p>\n";
}

}  // namespace

std::string marked_subject(std::string_view subject, std::string_view marking) {
  if (marking.empty()) {
    return std::string(subject);
  }
  // A subject that quotes another marked one (a failure notice naming the message that
  // failed) would show the prefix twice: the quoted one goes, so it is there exactly once.
  const std::string prefix = "[" + std::string(marking) + "] ";
  std::string rest(subject);
  for (auto at = rest.find(prefix); at != std::string::npos; at = rest.find(prefix, at)) {
    rest.erase(at, prefix.size());
  }
  return prefix + rest;
}

void apply_marking(Message& message, std::string_view marking) {
  if (marking.empty()) {
    return;
  }
  message.classification = std::string(marking);
  message.subject = marked_subject(message.subject, marking);
  message.text = std::string(marking) + "\n\n" + message.text;
  message.html = insert_after_body_open(message.html, html_banner(marking));
}

std::string insert_after_body_open(std::string_view html, std::string_view fragment) {
  std::size_t at = find_tag(html, "<body");
  std::size_t close = at == std::string_view::npos ? at : html.find('>', at);
  if (close == std::string_view::npos) {
    return std::string(fragment) + std::string(html);
  }
  std::size_t after = close + 1;
  std::string out(html.substr(0, after));
  out += '\n';
  if (after < html.size() && html[after] == '\n') {
    ++after;
  }
  out += fragment;
  out += html.substr(after);
  return out;
}

std::string insert_before_body_close(std::string_view html, std::string_view fragment) {
  std::size_t at = find_tag(html, "</body");
  if (at == std::string_view::npos) {
    return std::string(html) + std::string(fragment);
  }
  return std::string(html.substr(0, at)) + std::string(fragment) + std::string(html.substr(at));
}

}  // namespace plan_reminder::mail
