#include "pages/ical_library.h"

#include "base/shared_library.h"

#include <string>

namespace plan_reminder::pages {
namespace {

// The soname of libical 3.x (Debian's libical3 package).
constexpr const char* kSoname = "libical.so.3";

bool resolve_all(const base::SharedLibrary& library, IcalLibrary& l, std::string& e) {
  return library.resolve("icalcomponent_new", l.component_new, e) &&
         library.resolve("icalcomponent_free", l.component_free, e) &&
         library.resolve("icalcomponent_add_property", l.add_property, e) &&
         library.resolve("icalcomponent_add_component", l.add_component, e) &&
         library.resolve("icalcomponent_as_ical_string_r", l.as_ical_string_r, e) &&
         library.resolve("icalproperty_free", l.property_free, e) &&
         library.resolve("icalproperty_new_x", l.new_x, e) &&
         library.resolve("icalproperty_set_x_name", l.set_x_name, e) &&
         library.resolve("icalproperty_new_prodid", l.new_prodid, e) &&
         library.resolve("icalproperty_new_version", l.new_version, e) &&
         library.resolve("icalproperty_new_method", l.new_method, e) &&
         library.resolve("icalproperty_new_calscale", l.new_calscale, e) &&
         library.resolve("icalproperty_new_refreshinterval", l.new_refreshinterval, e) &&
         library.resolve("icalproperty_new_uid", l.new_uid, e) &&
         library.resolve("icalproperty_new_dtstamp", l.new_dtstamp, e) &&
         library.resolve("icalproperty_new_sequence", l.new_sequence, e) &&
         library.resolve("icalproperty_new_dtstart", l.new_dtstart, e) &&
         library.resolve("icalproperty_new_dtend", l.new_dtend, e) &&
         library.resolve("icalproperty_new_summary", l.new_summary, e) &&
         library.resolve("icalproperty_new_description", l.new_description, e) &&
         library.resolve("icalproperty_new_transp", l.new_transp, e) &&
         library.resolve("icalproperty_new_url", l.new_url, e) &&
         library.resolve("icalproperty_new_class", l.new_class, e) &&
         library.resolve("icaltime_null_date", l.null_date, e) &&
         library.resolve("icaltime_set_timezone", l.set_timezone, e) &&
         library.resolve("icaltimezone_get_utc_timezone", l.utc_timezone, e) &&
         library.resolve("icaldurationtype_from_int", l.duration_from_int, e) &&
         library.resolve("icalerror_strerror", l.error_text, e) &&
         library.resolve("icalerrno_return", l.error_number, e);
}

}  // namespace

const IcalLibrary& ical_library() {
  static const auto loaded =
      base::load_functions<IcalLibrary>(kSoname, "the calendar feeds", "libical3", resolve_all);
  return loaded.get();
}

}  // namespace plan_reminder::pages
