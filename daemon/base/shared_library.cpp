#include "base/shared_library.h"

#include <dlfcn.h>

namespace plan_reminder::base {

Result<SharedLibrary> SharedLibrary::open(const char* soname, std::string_view purpose,
                                          std::string_view package) {
  // RTLD_LOCAL: its symbols stay out of the global namespace. Never dlclose'd: what these
  // libraries load (OpenSSL, ICU) keeps state for the process's life.
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return Error{std::string("cannot load ") + soname + " for " + std::string(purpose) + " (" +
                 (why != nullptr ? why : "unknown error") + "); install the " +
                 std::string(package) + " package"};
  }
  return SharedLibrary(handle, soname);
}

void* SharedLibrary::find(const char* name) const {
  return ::dlsym(handle_, name);
}

}  // namespace plan_reminder::base
