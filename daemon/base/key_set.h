// A set of keys read once and looked up many times, as a pass does with the key of every
// notice ever handled (a hundred thousand and more): all the text in one buffer, sorted once,
// searched by halves. Beside a hash set of strings it makes no allocation per key, and so is
// several times quicker to fill and to free; keys added later (preview) go in a small hash set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace plan_reminder::base {

class KeySet {
 public:
  using value_type = std::string_view;

  // Collects keys in any order, a key given twice kept once, and makes the set.
  class Builder {
   public:
    void reserve(std::size_t keys, std::size_t bytes);
    void add(std::string_view key);
    KeySet build() &&;

   private:
    std::string text_;
    std::vector<std::uint64_t> spans_;
  };

  KeySet() = default;
  KeySet(std::initializer_list<std::string_view> keys);

  bool contains(std::string_view key) const;
  std::size_t count(std::string_view key) const { return contains(key) ? 1 : 0; }
  std::size_t size() const { return spans_.size() + added_.size(); }
  bool empty() const { return size() == 0; }
  // Adds a key after the set was built (a preview's passes adding what they would send).
  void insert(std::string_view key);

  // Every key: the built ones in byte order, then those inserted since, in no order.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string_view*;
    using reference = std::string_view;

    const_iterator() = default;
    std::string_view operator*() const;
    const_iterator& operator++();
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& other) const {
      return index_ == other.index_ && added_ == other.added_;
    }

   private:
    friend class KeySet;
    const KeySet* set_ = nullptr;
    std::size_t index_ = 0;  // into spans_; spans_.size() once in added_
    std::unordered_set<std::string>::const_iterator added_;
  };
  using iterator = const_iterator;
  const_iterator begin() const;
  const_iterator end() const;

 private:
  std::string_view at(std::size_t index) const;

  std::string text_;
  // Each key's offset in text_ (high 40 bits) and length (low 24 bits), in byte order of the keys.
  std::vector<std::uint64_t> spans_;
  std::unordered_set<std::string> added_;
};

}  // namespace plan_reminder::base
