// A limit on how often one key (an update link's token id) may do something: at most `burst`
// times in any `window`; a key that keeps trying waits until its oldest try leaves the window.
// Bounded memory: at most `max_keys` keys are remembered, the least recently used forgotten
// first. Pure: the time comes in as an argument; a clock set back forgets the tries after it.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace plan_reminder::web {

class RateLimit {
 public:
  using Instant = std::chrono::sys_seconds;  // the service's (injected) clock

  RateLimit(std::size_t burst, std::chrono::seconds window, std::size_t max_keys)
      : burst_(burst), window_(window), max_keys_(max_keys) {}

  // Counts a try by `key` at `now`: none when it may go ahead, else how long until it may.
  std::optional<std::chrono::seconds> attempt(const std::string& key, Instant now);

 private:
  struct Entry {
    std::deque<Instant> tries;  // within the window, oldest first
    std::list<std::string>::iterator recent;
  };
  std::size_t burst_;
  std::chrono::seconds window_;
  std::size_t max_keys_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> recent_;  // most recently used first
};

}  // namespace plan_reminder::web
