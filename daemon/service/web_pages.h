// The web surface's pages and feeds as routes (SPEC §8): each checks the link's token (signed
// for its purpose and id, at the epoch the state holds now, so that `url --revoke` takes effect
// at the next request), then renders from the SiteState the daemon last published and what the
// state says (the log since the last digest, calendar sequences, delivery counts). A wrong,
// missing or revoked token gets the same plain 404 as an unknown page.
#pragma once

#include <utility>  // Boost 1.74's Asio misses it under C++20

#include "pages/board_page.h"
#include "plan/config.h"
#include "policy/schedule.h"
#include "service/web_site.h"
#include "store/state_store.h"
#include "web/link_tokens.h"
#include "web/rate_limit.h"
#include "web/router.h"

#include <date/date.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace plan_reminder::service {

class WebPages {
 public:
  using Now = std::function<date::sys_seconds()>;
  using State = std::function<std::shared_ptr<const SiteState>()>;

  // `state` is a connection of the pages' own to the daemon's state (the pass uses another, on
  // its worker thread); `now` is the service's clock.
  WebPages(plan::WebSettings settings, web::LinkSecret secret,
           std::unique_ptr<store::StateStore> state, Now now);
  ~WebPages();
  WebPages(const WebPages&) = delete;
  WebPages& operator=(const WebPages&) = delete;

  // GET /board, /agency/{id}, /feeds/{id}.ics, /metrics (listen address only) and
  // /assets/style.css, reading the published state through `site`.
  void add_routes(web::Router& router, const State& site);

 private:
  struct Rendered;

  bool authorised(const web::Request& request, const web::LinkSubject& subject,
                  date::year_month_day today) const;
  web::Response board(const SiteState& site, const web::Request& request);
  web::Response agency(const SiteState& site, const web::Request& request, const std::string& id);
  web::Response feed(const SiteState& site, const web::Request& request, const std::string& id);
  web::Response metrics(const SiteState& site);
  // GET and POST /update/{id}?m=MESSAGE-ID&t=TOKEN (service/update_routes.cpp).
  web::Response update(const SiteState& site, const web::Request& request, const std::string& id);
  // GET and POST /updates?t=TOKEN: the coordinator's decisions (service/update_routes.cpp).
  web::Response coordinator(const SiteState& site, const web::Request& request);
  // Why a submission is refused before it is read (not a form, no form token, more than
  // `limit` allows), if it is.
  std::optional<web::Response> refuse_submission(const web::Request& request,
                                                 const std::string& token, web::RateLimit& limit);
  web::LinkCheck check_link(const web::Request& request, const web::LinkSubject& subject,
                            date::year_month_day today) const;
  const pages::BoardView& board_view(const SiteState& site, date::year_month_day today);
  // The response kept under `key` for this deployment, day and pass; else `make`'s, kept when
  // it is a 200.
  web::Response kept(const SiteState& site, date::year_month_day today, std::string key,
                     const std::function<web::Response()>& make);
  date::year_month_day today(const SiteState& site);
  // Forgets every kept page: what they show has changed (an update was stored).
  void forget_kept();

  plan::WebSettings settings_;
  web::LinkSecret secret_;
  std::unique_ptr<store::StateStore> state_;
  Now now_;
  std::unique_ptr<Rendered> rendered_;
  std::weak_ptr<const plan::Snapshot> clock_snapshot_;
  std::optional<policy::Clock> clock_;
  // Submissions through one update link: at most 10 in 10 minutes (SPEC §9), for 10,000 links.
  web::RateLimit submissions_{10, std::chrono::minutes(10), 10000};
  // Decisions through one coordinator link: a morning's work, not a script's.
  web::RateLimit decisions_{120, std::chrono::minutes(10), 100};
};

// The `page` query parameter: 1 when absent, nothing when it is not a page number.
std::optional<int> requested_page(const web::Request& request);

}  // namespace plan_reminder::service
