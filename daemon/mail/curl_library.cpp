#include "mail/curl_library.h"

#include <dlfcn.h>

#include <string>

namespace plan_reminder::mail {
namespace {

// The soname of libcurl 7.x and 8.x (Debian's libcurl4 package, OpenSSL flavour, or any other).
constexpr const char* kSoname = "libcurl.so.4";

struct Loaded {
  CurlLibrary library{};
  std::string error;  // empty when loaded
};

template <typename Function>
bool resolve(void* handle, const char* name, Function& out, std::string& error) {
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) {
    error = std::string("cannot use ") + kSoname + ": it has no " + name;
    return false;
  }
  out = reinterpret_cast<Function>(symbol);
  return true;
}

Loaded load() {
  Loaded loaded;
  // RTLD_LOCAL: its symbols stay out of the global namespace; never dlclose'd (OpenSSL, which
  // it loads, cannot be unloaded anyway).
  void* handle = ::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    loaded.error = std::string("cannot load ") + kSoname + " for SMTP delivery (" +
                   (why != nullptr ? why : "unknown error") + "); install the libcurl4 package";
    return loaded;
  }
  CurlLibrary& l = loaded.library;
  std::string& e = loaded.error;
  bool ok = resolve(handle, "curl_global_init", l.global_init, e) &&
            resolve(handle, "curl_easy_init", l.easy_init, e) &&
            resolve(handle, "curl_easy_setopt", l.easy_setopt, e) &&
            resolve(handle, "curl_easy_perform", l.easy_perform, e) &&
            resolve(handle, "curl_easy_getinfo", l.easy_getinfo, e) &&
            resolve(handle, "curl_easy_cleanup", l.easy_cleanup, e) &&
            resolve(handle, "curl_easy_strerror", l.easy_strerror, e) &&
            resolve(handle, "curl_slist_append", l.slist_append, e) &&
            resolve(handle, "curl_slist_free_all", l.slist_free_all, e) &&
            resolve(handle, "curl_url", l.url, e) &&
            resolve(handle, "curl_url_cleanup", l.url_cleanup, e) &&
            resolve(handle, "curl_url_set", l.url_set, e) &&
            resolve(handle, "curl_url_get", l.url_get, e) &&
            resolve(handle, "curl_free", l.free, e);
  if (!ok) {
    return loaded;
  }
  // Before any handle, once per process.
  if (l.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    e = std::string("cannot initialise ") + kSoname;
  }
  return loaded;
}

}  // namespace

const CurlLibrary* curl_library(std::string& error) {
  static const Loaded loaded = load();  // thread-safe initialisation of the static
  if (!loaded.error.empty()) {
    error = loaded.error;
    return nullptr;
  }
  return &loaded.library;
}

}  // namespace plan_reminder::mail
