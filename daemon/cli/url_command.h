// `plan-reminder url`: the lasting links of the web surface (SPEC §8), and revoking them. The
// part after the config is loaded is here for tests, which build the config in C++.
#pragma once

#include "plan/config.h"

#include <iosfwd>
#include <string>

namespace plan_reminder::cli {

struct UrlArguments {
  std::string config;
  std::string kind;         // "board", "coordinator", "agency", "feed" or "update"
  std::string id;           // the agency id; for a feed, or "board"
  std::string secret_file;  // instead of the config's web.secret_file / web.credential
  bool revoke = false;
};

// Prints the URL of the link `args` names to `out` (and, after --revoke, what changed to
// `err`); refuses, with a message to `err` and a sysexits code, a config without `web:`, an
// unknown agency and a secret that cannot be read.
int print_link(const UrlArguments& args, const plan::Config& config, std::ostream& out,
               std::ostream& err);

}  // namespace plan_reminder::cli
