// The protective marking on an email (`classification:` in the config, SPEC §11): the subject
// prefix "[OFFICIAL-SENSITIVE] ", a header mail systems can filter on, and the marking as the
// first line of the text and HTML bodies. Applied to every message in one place
// (service::message_for), so that no kind of email and no copy of the templates can miss it.
#pragma once

#include "mail/message.h"

#include <string>
#include <string_view>

namespace plan_reminder::mail {

// The header that carries the marking: the name of the government email protective-marking
// standards (UK and Australian), which mail gateways' transport rules already match on.
inline constexpr const char* kMarkingHeader = "X-Protective-Marking";

// "[OFFICIAL-SENSITIVE] Reminder: ...": the subject with the prefix at its start, exactly once
// (the prefix found anywhere else in it is taken out). An empty marking leaves the subject as
// it is.
std::string marked_subject(std::string_view subject, std::string_view marking);

// Marks `message` with `marking` (nothing when it is empty): the subject prefix, the header
// (Message::classification) and the marking as the first line of the text and HTML bodies.
void apply_marking(Message& message, std::string_view marking);

// `html` with `fragment` placed right after its opening <body ...> tag, or at its start when it
// has none: how the marking tops an email's HTML body and a web page.
std::string insert_after_body_open(std::string_view html, std::string_view fragment);
// `html` with `fragment` placed right before its closing </body> tag, or at its end.
std::string insert_before_body_close(std::string_view html, std::string_view fragment);

}  // namespace plan_reminder::mail
