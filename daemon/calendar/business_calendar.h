// Business days in the partnership's own calendar: not a Saturday or Sunday, not a bank holiday.
#pragma once

#include "calendar/bank_holidays.h"

#include <date/date.h>

#include <utility>

namespace plan_reminder::calendar {

class BusinessCalendar {
 public:
  explicit BusinessCalendar(BankHolidays holidays = BankHolidays::england_and_wales())
      : holidays_(std::move(holidays)) {}

  bool is_business_day(date::local_days day) const;
  // `day` itself when it is a business day, else the nearest one before it.
  date::local_days on_or_before(date::local_days day) const;
  // `day` itself when it is a business day, else the nearest one after it.
  date::local_days on_or_after(date::local_days day) const;

  const BankHolidays& holidays() const { return holidays_; }

 private:
  BankHolidays holidays_;
};

}  // namespace plan_reminder::calendar
