// Where the template files are and what they are called, shared by loading and rendering:
// each kind of email has `<token>.<part>.mustache` for each part, and partials in `partials/`.
#pragma once

#include "mail/views.h"

#include <array>
#include <string>

namespace plan_reminder::mail {

inline constexpr std::array<const char*, 3> kParts = {"subject", "text", "html"};
inline constexpr const char* kExtension = ".mustache";
inline constexpr const char* kPartialFolder = "partials";

// "reminder.subject": how a template is named among the loaded ones (its file less extension).
std::string template_key(EmailKind kind, const char* part);

}  // namespace plan_reminder::mail
