// Moving a whole state from one store to another (`plan-reminder state copy`, SPEC §10): from a
// SQLite file into PostgreSQL, or back. Engine-blind: it reads and writes through StateStore.
#pragma once

#include "base/result.h"
#include "store/state_store.h"

#include <string>

namespace plan_reminder::store {

// What a copy moved: the rows the source held and the rows the target holds afterwards, which
// are the same when copy_state returns them.
struct CopyCounts {
  TableCounts source;
  TableCounts target;
};

// Copies everything `from` holds into `to` (ids kept), in one transaction on `to`, and checks
// afterwards that `to` holds as many rows of each table as were read. Refused, with nothing
// changed, when `to` holds anything already and `replace` is false; `target` names `to` in the
// errors. A count that differs afterwards is an error naming the table.
base::Result<CopyCounts> copy_state(StateStore& from, StateStore& to, const std::string& target,
                                    bool replace);

// "42 messages, 1 notice, ...": a state's rows in words.
std::string describe(const TableCounts& counts);

}  // namespace plan_reminder::store
