// Inside store/: the engines behind StateStore::open, chosen by the state's location. Nothing
// outside store/ includes this.
#pragma once

#include "store/state_store.h"

#include <memory>
#include <string>
#include <string_view>

namespace plan_reminder::store {

// True for a `postgresql://` or `postgres://` location.
bool is_postgresql_location(std::string_view location);

std::unique_ptr<StateStore> open_sqlite_state(const std::string& path);
base::Result<std::unique_ptr<StateStore>> open_existing_sqlite_state(const std::string& path);

std::unique_ptr<StateStore> open_postgresql_state(const std::string& url);
base::Result<std::unique_ptr<StateStore>> open_existing_postgresql_state(const std::string& url);

}  // namespace plan_reminder::store
