// The Mustache library (kainjow), included with its warnings off: it is not our code, and our
// build turns warnings into errors.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <kainjow/mustache.hpp>
#pragma GCC diagnostic pop

#include <string>
#include <utility>
#include <vector>

namespace plan_reminder::mail {
namespace mustache = kainjow::mustache;

// kainjow's data copies whatever it is given, every nested map and list: set() and push_back()
// copy their argument, and a list grows by copying each item (its move may throw). Building an
// email's lists that way copied each milestone's map three times or more, a sixth of a catch-up
// pass. These two move instead.

// `name` set to `value`, moved in.
inline void set_moved(mustache::data& object, const std::string& name, mustache::data value) {
  object[name] = std::move(value);
}

// A list of `items`, moved in. Reserve `items` before filling it: a vector of data grows by
// copying too. The list is made of as many flags (which copy without allocating),
// then each is replaced by its item. list_value() only offers the list as const; the list itself
// is the data's own, not a const object, so writing to it is sound.
inline mustache::data list_of(std::vector<mustache::data> items) {
  mustache::data list{std::vector<mustache::data>(items.size(), mustache::data(false))};
  auto& slots = const_cast<std::vector<mustache::data>&>(list.list_value());
  for (std::size_t i = 0; i < items.size(); ++i) {
    slots[i] = std::move(items[i]);
  }
  return list;
}

}  // namespace plan_reminder::mail
