// A shared library loaded at run time rather than linked (dlopen, never closed), for the
// libraries only some deployments need and an idle daemon should not carry: libcurl for SMTP
// (mail/curl_library.*), libical for the calendar feeds (pages/ical_library.*).
#pragma once

#include "base/result.h"

#include <string>
#include <string_view>

namespace plan_reminder::base {

class SharedLibrary {
 public:
  // Loads `soname` with its symbols kept local. The error says what it was for and which
  // Debian package to install: "cannot load libical.so.3 for the calendar feeds (...);
  // install the libical3 package".
  static Result<SharedLibrary> open(const char* soname, std::string_view purpose,
                                    std::string_view package);

  // Sets `out` to the function `name`; false, with `error` saying which is missing, when the
  // library has no such symbol.
  template <typename Function>
  bool resolve(const char* name, Function& out, std::string& error) const {
    void* symbol = find(name);
    if (symbol == nullptr) {
      error = std::string("cannot use ") + soname_ + ": it has no " + name;
      return false;
    }
    out = reinterpret_cast<Function>(symbol);  // NOLINT(*-reinterpret-cast): dlsym's contract
    return true;
  }

  const char* soname() const { return soname_; }

 private:
  SharedLibrary(void* handle, const char* soname) : handle_(handle), soname_(soname) {}
  void* find(const char* name) const;

  void* handle_ = nullptr;
  const char* soname_ = nullptr;
};

}  // namespace plan_reminder::base
