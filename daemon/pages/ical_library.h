// libical, loaded on first use rather than linked: libical brings ICU with it (libicuuc,
// libicui18n, libicudata), 1.9 MB more resident memory in a daemon that must stay under 10 MB
// idle (tests/bench/idle_bench.sh), though only a calendar request needs it. The pattern is
// mail/curl_library.h's.
#pragma once

#include <libical/ical.h>

#include <string>

namespace plan_reminder::pages {

// The libical functions the feeds use, typed from ical.h so that a mismatch fails to compile.
struct IcalLibrary {
  decltype(&::icalcomponent_new) component_new;
  decltype(&::icalcomponent_free) component_free;
  decltype(&::icalcomponent_add_property) add_property;
  decltype(&::icalcomponent_add_component) add_component;
  decltype(&::icalcomponent_as_ical_string_r) as_ical_string_r;
  decltype(&::icalproperty_free) property_free;
  decltype(&::icalproperty_new_x) new_x;
  decltype(&::icalproperty_set_x_name) set_x_name;
  decltype(&::icalproperty_new_prodid) new_prodid;
  decltype(&::icalproperty_new_version) new_version;
  decltype(&::icalproperty_new_method) new_method;
  decltype(&::icalproperty_new_calscale) new_calscale;
  decltype(&::icalproperty_new_refreshinterval) new_refreshinterval;
  decltype(&::icalproperty_new_uid) new_uid;
  decltype(&::icalproperty_new_dtstamp) new_dtstamp;
  decltype(&::icalproperty_new_sequence) new_sequence;
  decltype(&::icalproperty_new_dtstart) new_dtstart;
  decltype(&::icalproperty_new_dtend) new_dtend;
  decltype(&::icalproperty_new_summary) new_summary;
  decltype(&::icalproperty_new_description) new_description;
  decltype(&::icalproperty_new_transp) new_transp;
  decltype(&::icalproperty_new_url) new_url;
  decltype(&::icalproperty_new_class) new_class;
  decltype(&::icaltime_null_date) null_date;
  decltype(&::icaltime_set_timezone) set_timezone;
  decltype(&::icaltimezone_get_utc_timezone) utc_timezone;
  decltype(&::icaldurationtype_from_int) duration_from_int;
  decltype(&::icalerror_strerror) error_text;
  decltype(&::icalerrno_return) error_number;
};

// libical (libical.so.3), loaded once for the process (thread-safe) and never unloaded.
// Throws std::runtime_error saying why when it cannot be (e.g. the package is missing).
const IcalLibrary& ical_library();

}  // namespace plan_reminder::pages
