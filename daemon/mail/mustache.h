// The Mustache library (kainjow), included with its warnings off: it is not our code, and our
// build turns warnings into errors.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <kainjow/mustache.hpp>
#pragma GCC diagnostic pop

namespace plan_reminder::mail {
namespace mustache = kainjow::mustache;
}  // namespace plan_reminder::mail
