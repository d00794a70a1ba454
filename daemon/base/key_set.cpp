// The packed, sorted key set (see key_set.h).
#include "base/key_set.h"

#include <algorithm>
#include <stdexcept>

namespace plan_reminder::base {
namespace {

constexpr unsigned kLengthBits = 24;
constexpr std::uint64_t kMaxLength = (std::uint64_t{1} << kLengthBits) - 1;
constexpr std::uint64_t kMaxOffset = (std::uint64_t{1} << (64 - kLengthBits)) - 1;

std::string_view view(const std::string& text, std::uint64_t span) {
  return std::string_view(text).substr(span >> kLengthBits, span & kMaxLength);
}

}  // namespace

void KeySet::Builder::reserve(std::size_t keys, std::size_t bytes) {
  spans_.reserve(keys);
  text_.reserve(bytes);
}

void KeySet::Builder::add(std::string_view key) {
  if (key.size() > kMaxLength || text_.size() > kMaxOffset) {
    throw std::length_error("a key set holds keys of up to 16 MiB in up to 1 TiB");
  }
  spans_.push_back((std::uint64_t{text_.size()} << kLengthBits) | key.size());
  text_.append(key);
}

KeySet KeySet::Builder::build() && {
  KeySet set;
  set.text_ = std::move(text_);
  set.spans_ = std::move(spans_);
  const std::string& text = set.text_;
  auto less = [&](std::uint64_t a, std::uint64_t b) { return view(text, a) < view(text, b); };
  // Keys often come sorted already (a primary key's index): then there is nothing to do.
  if (!std::is_sorted(set.spans_.begin(), set.spans_.end(), less)) {
    std::sort(set.spans_.begin(), set.spans_.end(), less);
  }
  auto same = [&](std::uint64_t a, std::uint64_t b) { return view(text, a) == view(text, b); };
  set.spans_.erase(std::unique(set.spans_.begin(), set.spans_.end(), same), set.spans_.end());
  return set;
}

KeySet::KeySet(std::initializer_list<std::string_view> keys) {
  Builder builder;
  for (const auto key : keys) {
    builder.add(key);
  }
  *this = std::move(builder).build();
}

bool KeySet::contains(std::string_view key) const {
  auto found = std::lower_bound(
      spans_.begin(), spans_.end(), key,
      [&](std::uint64_t span, std::string_view wanted) { return view(text_, span) < wanted; });
  if (found != spans_.end() && view(text_, *found) == key) {
    return true;
  }
  return !added_.empty() && added_.count(std::string(key)) != 0;
}

void KeySet::insert(std::string_view key) {
  if (!contains(key)) {
    added_.emplace(key);
  }
}

std::string_view KeySet::at(std::size_t index) const {
  return view(text_, spans_[index]);
}

std::string_view KeySet::const_iterator::operator*() const {
  if (index_ < set_->spans_.size()) {
    return set_->at(index_);
  }
  return *added_;
}

KeySet::const_iterator& KeySet::const_iterator::operator++() {
  if (index_ < set_->spans_.size()) {
    ++index_;
  } else {
    ++added_;
  }
  return *this;
}

KeySet::const_iterator KeySet::begin() const {
  const_iterator it;
  it.set_ = this;
  it.index_ = 0;
  it.added_ = added_.begin();
  return it;
}

KeySet::const_iterator KeySet::end() const {
  const_iterator it;
  it.set_ = this;
  it.index_ = spans_.size();
  it.added_ = added_.end();
  return it;
}

}  // namespace plan_reminder::base
