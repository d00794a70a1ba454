#include "pages/ical_library.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace plan_reminder::pages {
namespace {

// The soname of libical 3.x (Debian's libical3 package).
constexpr const char* kSoname = "libical.so.3";

struct Loaded {
  IcalLibrary library{};
  std::string error;  // empty when loaded
};

template <typename Function>
bool resolve(void* handle, const char* name, Function& out, std::string& error) {
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) {
    error = std::string("cannot use ") + kSoname + ": it has no " + name;
    return false;
  }
  out = reinterpret_cast<Function>(symbol);  // NOLINT(*-reinterpret-cast): dlsym's contract
  return true;
}

Loaded load() {
  Loaded loaded;
  // RTLD_LOCAL: its symbols stay out of the global namespace. Never dlclose'd: ICU, which it
  // loads, keeps caches for the process's life.
  void* handle = ::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    loaded.error = std::string("cannot load ") + kSoname + " for the calendar feeds (" +
                   (why != nullptr ? why : "unknown error") + "); install the libical3 package";
    return loaded;
  }
  IcalLibrary& l = loaded.library;
  std::string& e = loaded.error;
  const bool ok = resolve(handle, "icalcomponent_new", l.component_new, e) &&
                  resolve(handle, "icalcomponent_free", l.component_free, e) &&
                  resolve(handle, "icalcomponent_add_property", l.add_property, e) &&
                  resolve(handle, "icalcomponent_add_component", l.add_component, e) &&
                  resolve(handle, "icalcomponent_as_ical_string_r", l.as_ical_string_r, e) &&
                  resolve(handle, "icalproperty_free", l.property_free, e) &&
                  resolve(handle, "icalproperty_new_x", l.new_x, e) &&
                  resolve(handle, "icalproperty_set_x_name", l.set_x_name, e) &&
                  resolve(handle, "icalproperty_new_prodid", l.new_prodid, e) &&
                  resolve(handle, "icalproperty_new_version", l.new_version, e) &&
                  resolve(handle, "icalproperty_new_method", l.new_method, e) &&
                  resolve(handle, "icalproperty_new_calscale", l.new_calscale, e) &&
                  resolve(handle, "icalproperty_new_refreshinterval", l.new_refreshinterval, e) &&
                  resolve(handle, "icalproperty_new_uid", l.new_uid, e) &&
                  resolve(handle, "icalproperty_new_dtstamp", l.new_dtstamp, e) &&
                  resolve(handle, "icalproperty_new_sequence", l.new_sequence, e) &&
                  resolve(handle, "icalproperty_new_dtstart", l.new_dtstart, e) &&
                  resolve(handle, "icalproperty_new_dtend", l.new_dtend, e) &&
                  resolve(handle, "icalproperty_new_summary", l.new_summary, e) &&
                  resolve(handle, "icalproperty_new_description", l.new_description, e) &&
                  resolve(handle, "icalproperty_new_transp", l.new_transp, e) &&
                  resolve(handle, "icalproperty_new_url", l.new_url, e) &&
                  resolve(handle, "icaltime_null_date", l.null_date, e) &&
                  resolve(handle, "icaltime_set_timezone", l.set_timezone, e) &&
                  resolve(handle, "icaltimezone_get_utc_timezone", l.utc_timezone, e) &&
                  resolve(handle, "icaldurationtype_from_int", l.duration_from_int, e) &&
                  resolve(handle, "icalerror_strerror", l.error_text, e) &&
                  resolve(handle, "icalerrno_return", l.error_number, e);
  if (!ok) {
    loaded.library = IcalLibrary{};
  }
  return loaded;
}

}  // namespace

const IcalLibrary& ical_library() {
  static const Loaded loaded = load();  // thread-safe initialisation of the static
  if (!loaded.error.empty()) {
    throw std::runtime_error(loaded.error);
  }
  return loaded.library;
}

}  // namespace plan_reminder::pages
