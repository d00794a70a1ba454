// A shared library loaded at run time rather than linked (dlopen, never closed), for the
// libraries only some deployments or commands need and an idle daemon should not carry:
// libcurl for SMTP (mail/curl_library.*), libical for the calendar feeds
// (pages/ical_library.*), libpq for a state in PostgreSQL, libzstd for large texts in the
// state, libzip for import and libxlsxwriter for the board paper.
#pragma once

#include "base/result.h"

#include <stdexcept>
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

// A library's functions, a struct of pointers typed from its header (so that a mismatch fails
// to compile), with why they could not all be found.
template <typename Functions>
struct LoadedFunctions {
  Functions functions{};
  std::string error;  // empty when every function was found

  // The functions; throws std::runtime_error saying why when they could not be loaded.
  const Functions& get() const {
    if (!error.empty()) {
      throw std::runtime_error(error);
    }
    return functions;
  }
};

// Opens `soname` (see SharedLibrary::open) and fills its Functions with `resolve_all(library,
// functions, error)`, a chain of `library.resolve(...)` calls that stops at the first missing
// one. Meant to initialise a function-local static, so that it runs once for the process and
// is thread-safe:
//   static const auto loaded = base::load_functions<ZstdLibrary>("libzstd.so.1", ..., resolve);
template <typename Functions, typename ResolveAll>
LoadedFunctions<Functions> load_functions(const char* soname, std::string_view purpose,
                                          std::string_view package, ResolveAll resolve_all) {
  LoadedFunctions<Functions> loaded;
  auto library = SharedLibrary::open(soname, purpose, package);
  if (!library) {
    loaded.error = library.error().message;
  } else if (!resolve_all(*library, loaded.functions, loaded.error)) {
    loaded.functions = Functions{};
  }
  return loaded;
}

}  // namespace plan_reminder::base
