// libcurl, loaded on first use rather than linked: libcurl brings OpenSSL, GnuTLS, Kerberos and
// LDAP with it, about 5.6 MB of resident code, which a deployment delivering to a Maildir never
// needs and a daemon sleeping between send times should not carry.
#pragma once

#include <curl/curl.h>

#include <string>

namespace plan_reminder::mail {

// The libcurl functions the SMTP transport uses, typed from curl.h so that a mismatch fails
// to compile.
struct CurlLibrary {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_free) free;
};

// libcurl (libcurl.so.4), loaded and initialised once for the process (thread-safe); never
// unloaded. nullptr if it cannot be, with `error` saying why (e.g. the package is missing).
const CurlLibrary* curl_library(std::string& error);

}  // namespace plan_reminder::mail
