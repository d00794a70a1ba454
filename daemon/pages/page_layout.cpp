// Page data shared by every web page, and pagination (see page_layout.h).
#include "pages/page_layout.h"

#include "mail/marking.h"
#include "mail/views.h"

namespace plan_reminder::pages {

std::optional<PageSlice> page_slice(std::size_t count, std::size_t per_page, int page) {
  const std::size_t pages = count == 0 ? 1 : (count + per_page - 1) / per_page;
  if (page < 1 || static_cast<std::size_t>(page) > pages) {
    return std::nullopt;
  }
  PageSlice slice;
  slice.page = page;
  slice.pages = static_cast<int>(pages);
  slice.first = static_cast<std::size_t>(page - 1) * per_page;
  slice.end = std::min(count, slice.first + per_page);
  return slice;
}

std::string page_link(const std::string& link, int page) {
  if (page <= 1) {
    return link;
  }
  const char separator = link.find('?') == std::string::npos ? '?' : '&';
  return link + separator + "page=" + std::to_string(page);
}

mail::mustache::data page_data(const std::string& title, const std::string& partnership,
                               date::year_month_day today) {
  mail::mustache::data out;
  out.set("title", title);
  out.set("partnership", partnership);
  out.set("has_partnership", !partnership.empty());
  out.set("today", mail::long_day(today));
  return out;
}

std::string mark_page(std::string_view html, std::string_view marking) {
  if (marking.empty()) {
    return std::string(html);
  }
  // The marking holds no character HTML gives a meaning to (plan/config_loader.cpp).
  const std::string banner =
      "<div class=\"classification\" role=\"note\">" + std::string(marking) + "</div>\n";
  return mail::insert_before_body_close(mail::insert_after_body_open(html, banner), banner);
}

void set_pagination(mail::mustache::data& out, const PageSlice& slice, const std::string& link) {
  out.set("has_pages", slice.pages > 1);
  out.set("page", std::to_string(slice.page));
  out.set("pages", std::to_string(slice.pages));
  out.set("page_text", "Page " + std::to_string(slice.page) + " of " + std::to_string(slice.pages));
  out.set("has_previous", slice.page > 1);
  out.set("previous_link", page_link(link, slice.page - 1));
  out.set("has_next", slice.page < slice.pages);
  out.set("next_link", page_link(link, slice.page + 1));
}

}  // namespace plan_reminder::pages
