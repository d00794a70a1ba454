// What every web page's data holds besides its content: the title and partnership the layout
// shows, the day it is as of, and the links to the previous and next pages of a long list.
#pragma once

#include "mail/mustache.h"

#include <date/date.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::pages {

// Which page of a list to show, and the page's own link as the caller received it: the URL with
// its token (`https://…/board?t=TOKEN`), without `page`. Links to other pages add `&page=N` to
// it, so that they keep the token; the pages never make a link of their own.
struct PageRequest {
  int page = 1;  // 1-based
  std::string link;
};

// The part of a list of `count` entries that page `page` shows, at most `per_page` of them.
struct PageSlice {
  std::size_t first = 0;  // index of the first entry shown
  std::size_t end = 0;    // one past the last
  int page = 1;
  int pages = 1;  // at least 1: an empty list has one, empty, page
};

// The slice, or nothing when `page` is below 1 or past the last page (the caller answers 404).
std::optional<PageSlice> page_slice(std::size_t count, std::size_t per_page, int page);

// `link` for page `page`: the link itself for page 1, else with `page=N` added to its query.
std::string page_link(const std::string& link, int page);

// The data every page starts with: `title` (the h1 and the window title), the partnership's
// name for the header, and `today` worded as the pages say it.
mail::mustache::data page_data(const std::string& title, const std::string& partnership,
                               date::year_month_day today);

// `html`, a whole page, with the protective marking (`classification:`, SPEC §11) as a banner
// at its top and bottom; unchanged when `marking` is empty. Placed by code rather than by the
// layout, so that a copy of the templates made before there were markings shows it too.
std::string mark_page(std::string_view html, std::string_view marking);

// `has_pages` (false when there is one page) with `previous_link`, `next_link`, `page`,
// `pages` and `page_text` ("Page 2 of 75").
void set_pagination(mail::mustache::data& out, const PageSlice& slice, const std::string& link);

}  // namespace plan_reminder::pages
