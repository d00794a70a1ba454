// The names of the kinds of email: template file stems and the words used in logs.
#include "mail/views.h"

namespace plan_reminder::mail {

const char* to_string(EmailKind kind) {
  switch (kind) {
    case EmailKind::reminder:
      return "reminder";
    case EmailKind::due:
      return "due";
    case EmailKind::overdue:
      return "overdue";
    case EmailKind::escalation:
      return "escalation";
    case EmailKind::digest:
      return "digest";
    case EmailKind::failure:
      return "failure";
    case EmailKind::problem:
      return "problem";
    case EmailKind::test:
      return "test";
  }
  return "reminder";
}

}  // namespace plan_reminder::mail
