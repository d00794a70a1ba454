// The error convention for the whole daemon, in one place.
//
// - An expected failure (bad input, a missing file, a refused setting, an unknown time zone) is
//   returned as a `Result<T>`: either the value or an `Error` whose message says what was wrong
//   in the user's words. When the failure comes from input, the message names where
//   (file:line:column) and what was expected there.
// - Validation that collects many problems at once (plan and config loading) reports them in
//   plan::Diagnostics, each with its place, and returns what it could build.
// - Exceptions are for the exceptional only: a broken invariant, I/O that should never fail, a
//   damaged state database. main() turns an escaped exception into exit code 74.
// - Nothing falls back silently: a value that cannot be used is an error, never a default.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace plan_reminder::base {

struct Error {
  std::string message;
};

// A value of type T, or the Error that kept it from being made.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // The value; asking a failed result for one is a programming error.
  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; asking a successful result for one is a programming error.
  const Error& error() const {
    if (ok()) {
      throw std::logic_error("base::Result: error() of a result that holds a value");
    }
    return std::get<1>(state_);
  }

 private:
  T& checked() {
    if (!ok()) {
      throw std::logic_error("base::Result: value() of a failed result: " +
                             std::get<1>(state_).message);
    }
    return std::get<0>(state_);
  }

  std::variant<T, Error> state_;
};

// Success with nothing to return, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit, like Result<T>

  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }

  const Error& error() const {
    if (ok()) {
      throw std::logic_error("base::Result: error() of a result that holds a value");
    }
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

}  // namespace plan_reminder::base
