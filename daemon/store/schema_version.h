// The state's schema version, shared by every engine: a SQLite state and a PostgreSQL state of
// the same version hold the same tables, so `state copy` can move one into the other.
#pragma once

namespace plan_reminder::store {

// Raised by one with each new migration step, in every engine together.
inline constexpr int kSchemaVersion = 7;

}  // namespace plan_reminder::store
