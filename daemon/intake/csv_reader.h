// CSV tables (RFC 4180) as spreadsheets save them: UTF-8 with or without a byte-order mark,
// CRLF or LF line ends, quoted fields that hold commas, quotes and line breaks.
#pragma once

#include "base/result.h"
#include "intake/table.h"

#include <string>
#include <string_view>

namespace plan_reminder::intake {

// The table in `bytes`; `file` names it in errors (an unclosed quote, a stray quote, too many
// rows or columns, text that is not UTF-8).
base::Result<Table> read_csv(std::string_view bytes, const std::string& file,
                             const Limits& limits = {});

}  // namespace plan_reminder::intake
