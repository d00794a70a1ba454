// A limit on how often one key may do something (see rate_limit.h).
#include "web/rate_limit.h"

#include <algorithm>

namespace plan_reminder::web {

std::optional<std::chrono::seconds> RateLimit::attempt(const std::string& key, Instant now) {
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    if (entries_.size() >= max_keys_ && !recent_.empty()) {
      entries_.erase(recent_.back());
      recent_.pop_back();
    }
    recent_.push_front(key);
    found = entries_.emplace(key, Entry{{}, recent_.begin()}).first;
  } else {
    recent_.splice(recent_.begin(), recent_, found->second.recent);
  }
  std::deque<Instant>& tries = found->second.tries;
  if (!tries.empty() && now < tries.back()) {
    tries.clear();  // the clock went back: never lock a link out until it catches up
  }
  while (!tries.empty() && now - tries.front() >= window_) {
    tries.pop_front();
  }
  if (tries.size() >= burst_) {
    const auto wait = std::chrono::ceil<std::chrono::seconds>(tries.front() + window_ - now);
    return std::max(wait, std::chrono::seconds(1));
  }
  tries.push_back(now);
  return std::nullopt;
}

}  // namespace plan_reminder::web
