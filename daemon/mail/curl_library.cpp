#include "mail/curl_library.h"

#include "base/shared_library.h"

#include <string>

namespace plan_reminder::mail {
namespace {

// The soname of libcurl 7.x and 8.x (Debian's libcurl4 package, OpenSSL flavour, or any other).
constexpr const char* kSoname = "libcurl.so.4";

bool resolve_all(const base::SharedLibrary& library, CurlLibrary& l, std::string& e) {
  return library.resolve("curl_global_init", l.global_init, e) &&
         library.resolve("curl_easy_init", l.easy_init, e) &&
         library.resolve("curl_easy_setopt", l.easy_setopt, e) &&
         library.resolve("curl_easy_perform", l.easy_perform, e) &&
         library.resolve("curl_easy_getinfo", l.easy_getinfo, e) &&
         library.resolve("curl_easy_cleanup", l.easy_cleanup, e) &&
         library.resolve("curl_easy_strerror", l.easy_strerror, e) &&
         library.resolve("curl_slist_append", l.slist_append, e) &&
         library.resolve("curl_slist_free_all", l.slist_free_all, e) &&
         library.resolve("curl_url", l.url, e) &&
         library.resolve("curl_url_cleanup", l.url_cleanup, e) &&
         library.resolve("curl_url_set", l.url_set, e) &&
         library.resolve("curl_url_get", l.url_get, e) && library.resolve("curl_free", l.free, e);
}

base::LoadedFunctions<CurlLibrary> load() {
  auto loaded =
      base::load_functions<CurlLibrary>(kSoname, "SMTP delivery", "libcurl4", resolve_all);
  // Before any handle, once per process.
  if (loaded.error.empty() && loaded.functions.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    loaded.error = std::string("cannot initialise ") + kSoname;
  }
  return loaded;
}

}  // namespace

const CurlLibrary* curl_library(std::string& error) {
  static const auto loaded = load();  // thread-safe initialisation of the static
  if (!loaded.error.empty()) {
    error = loaded.error;
    return nullptr;
  }
  return &loaded.functions;
}

}  // namespace plan_reminder::mail
