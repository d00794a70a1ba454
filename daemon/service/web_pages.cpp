// The web surface's pages and feeds as routes (service/web_pages.h).
#include "service/web_pages.h"

#include "base/version.h"
#include "pages/agency_page.h"
#include "pages/calendar_feed.h"
#include "pages/metrics.h"
#include "policy/agenda.h"
#include "service/audit_rows.h"
#include "web/http_server.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <map>
#include <string_view>

namespace plan_reminder::service {

namespace {

using date::sys_seconds;

// The week the board's "what changed" covers when no digest has gone yet.
constexpr auto kChangesWithoutDigest = date::days{7};

web::Response not_found(const SiteState& site) {
  web::Response response = web::not_found();
  if (site.deployment.web_templates) {
    response.body = site.deployment.web_templates->not_found_page();
    response.content_type = "text/html; charset=utf-8";
  }
  return response;
}

// Whether `kept` is still `current` (compared by owner, so that a new deployment made at the
// address of a freed one is still new).
bool same_deployment(const std::weak_ptr<const plan::Snapshot>& kept,
                     const std::shared_ptr<const plan::Snapshot>& current) {
  return !kept.expired() && !kept.owner_before(current) && !current.owner_before(kept);
}

web::Response html(std::string body) {
  web::Response response;
  response.body = std::move(body);
  return response;
}

// The page's own link as the visitor holds it (with its token, without `page`): the pages add
// `&page=N` to it for their previous and next links.
std::string own_link(const plan::WebSettings& settings, const web::LinkSubject& subject,
                     const web::Request& request) {
  auto token = request.query.find("t");
  return web::link_url(settings.base_url, subject,
                       token == request.query.end() ? std::string() : token->second);
}

}  // namespace

std::optional<int> requested_page(const web::Request& request) {
  auto found = request.query.find("page");
  if (found == request.query.end()) {
    return 1;
  }
  const std::string& text = found->second;
  int page = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), page);
  if (error != std::errc() || end != text.data() + text.size() || page < 1) {
    return std::nullopt;
  }
  return page;
}

// What the pages and feeds show changes only with the deployment, the day or a pass, while
// rendering them for the national corpus takes tens of milliseconds (the board walks every
// milestone) and a calendar polls every few minutes. So the board's view, the milestone counts
// for /metrics and every response are made once per deployment, day and pass, and kept; the
// token is checked on every request before a kept response is given.
struct WebPages::Rendered {
  std::weak_ptr<const plan::Snapshot> snapshot;
  date::year_month_day today{};
  std::optional<sys_seconds> pass_finished;
  std::optional<pages::BoardView> board;
  std::optional<std::map<policy::MilestoneState, std::int64_t>> milestone_counts;
  // By route, id, page and (for pages, whose links carry it) token.
  std::map<std::string, web::Response, std::less<>> responses;
  std::size_t kept_bytes = 0;  // the bodies of `responses`

  // Forgets everything when the deployment, day or pass has changed since it was made.
  void refresh(const SiteState& site, date::year_month_day day) {
    if (same_deployment(snapshot, site.deployment.snapshot) && today == day &&
        pass_finished == site.pass_finished) {
      return;
    }
    snapshot = site.deployment.snapshot;
    today = day;
    pass_finished = site.pass_finished;
    board.reset();
    milestone_counts.reset();
    responses.clear();
    kept_bytes = 0;
  }
};

namespace {

// How much is kept at most (the board's pages, agencies' pages and feeds): beyond it, the kept
// responses are dropped and made again as they are asked for. Every agency's feed of the
// national corpus (1,500) fits.
constexpr std::size_t kKeptResponses = 4096;
constexpr std::size_t kKeptBytes = std::size_t{64} << 20U;  // 64 MB

// The key of a kept response. `with_token`: the body carries the visitor's token (a page's
// previous and next links), so each token has its own; a feed's body does not.
std::string response_key(std::string_view route, std::string_view id, const web::Request& request,
                         bool with_token = true) {
  std::string key(route);
  key += '\n';
  key += id;
  for (const char* name : {"page", "t"}) {
    key += '\n';
    if (std::string_view(name) == "t" && !with_token) {
      continue;
    }
    if (auto found = request.query.find(name); found != request.query.end()) {
      key += found->second;
    }
  }
  return key;
}

}  // namespace

WebPages::WebPages(plan::WebSettings settings, web::LinkSecret secret,
                   std::unique_ptr<store::StateStore> state, Now now)
    : settings_(std::move(settings)),
      secret_(std::move(secret)),
      state_(std::move(state)),
      now_(std::move(now)),
      rendered_(std::make_unique<Rendered>()) {}

WebPages::~WebPages() = default;

void WebPages::forget_kept() {
  *rendered_ = Rendered{};
}

date::year_month_day WebPages::today(const SiteState& site) {
  // The deployment's clock (its zone and business calendar) is made once per deployment.
  const std::shared_ptr<const plan::Snapshot>& current = site.deployment.snapshot;
  if (!clock_ || !same_deployment(clock_snapshot_, current)) {
    clock_ = policy::clock_for(current->config);
    clock_snapshot_ = current;
  }
  return date::year_month_day{clock_->zone.day_of(now_())};
}

bool WebPages::authorised(const web::Request& request, const web::LinkSubject& subject,
                          date::year_month_day today) const {
  auto token = request.query.find("t");
  if (token == request.query.end()) {
    spdlog::debug("web: {} without a token", request.path);
    return false;
  }
  const auto epoch = web::current_epoch(*state_, subject);
  const web::LinkCheck check = web::verify(secret_, subject, epoch, token->second, today);
  if (check != web::LinkCheck::valid) {
    spdlog::debug("web: {}: the token is {}", request.path, web::describe(check));
    return false;
  }
  return true;
}

void WebPages::add_routes(web::Router& router, const State& site) {
  // Every route reads the published state once, so that one response comes from one state.
  auto with_site = [site](auto handler) {
    return [site, handler](const web::Request& request, const std::string& id) {
      std::shared_ptr<const SiteState> state = site();
      if (!state || !state->deployment.snapshot || !state->deployment.web_templates) {
        return web::plain_error(503, "Service starting");
      }
      return handler(*state, request, id);
    };
  };
  router.add("GET", "/board",
             with_site([this](const SiteState& state, const web::Request& request,
                              const std::string&) { return board(state, request); }));
  router.add("GET", "/agency/{id}",
             with_site([this](const SiteState& state, const web::Request& request,
                              const std::string& id) { return agency(state, request, id); }));
  router.add("GET", "/feeds/{id}.ics",
             with_site([this](const SiteState& state, const web::Request& request,
                              const std::string& id) { return feed(state, request, id); }));
  // The agency's update page (SPEC §9): the form and its submission.
  for (const char* method : {"GET", "POST"}) {
    router.add(method, "/update/{id}",
               with_site([this](const SiteState& state, const web::Request& request,
                                const std::string& id) { return update(state, request, id); }));
  }
  // The coordinator's page (SPEC §9): the updates waiting, accepted or rejected one by one.
  for (const char* method : {"GET", "POST"}) {
    router.add(method, "/updates",
               with_site([this](const SiteState& state, const web::Request& request,
                                const std::string&) { return coordinator(state, request); }));
  }
  router.add(
      "GET", "/metrics",
      with_site([this](const SiteState& state, const web::Request& request, const std::string&) {
        // The listen address only (SPEC §8): not through the reverse proxy.
        return request.forwarded ? not_found(state) : metrics(state);
      }));
  router.add("GET", "/assets/style.css",
             with_site([](const SiteState& state, const web::Request&, const std::string&) {
               web::Response response;
               response.content_type = "text/css; charset=utf-8";
               response.body = state.deployment.web_templates->stylesheet();
               // Holds no data: a browser may keep it for a day.
               response.headers.push_back({"Cache-Control", "public, max-age=86400"});
               return response;
             }));
}

web::Response WebPages::kept(const SiteState& site, date::year_month_day today, std::string key,
                             const std::function<web::Response()>& make) {
  Rendered& rendered = *rendered_;
  rendered.refresh(site, today);
  if (auto found = rendered.responses.find(key); found != rendered.responses.end()) {
    return found->second;
  }
  web::Response response = make();
  if (response.status == 200) {
    if (!response.shared_body) {
      response.shared_body = std::make_shared<const std::string>(std::move(response.body));
      response.body.clear();
    }
    if (response.etag.empty()) {
      response.etag = web::etag_of(*response.shared_body);
    }
    const std::size_t size = response.shared_body->size();
    if (rendered.responses.size() >= kKeptResponses || rendered.kept_bytes + size > kKeptBytes) {
      rendered.responses.clear();
      rendered.kept_bytes = 0;
    }
    rendered.kept_bytes += size;
    rendered.responses.emplace(std::move(key), response);
  }
  return response;
}

const pages::BoardView& WebPages::board_view(const SiteState& site, date::year_month_day today) {
  Rendered& rendered = *rendered_;
  rendered.refresh(site, today);
  if (rendered.board) {
    return *rendered.board;
  }
  const plan::Snapshot& plans = *site.deployment.snapshot;
  const policy::Clock clock = policy::clock_for(plans.config);
  const sys_seconds now = now_();
  const sys_seconds since = state_->previous_digest(now).value_or(now - kChangesWithoutDigest);
  rendered.board =
      pages::board_view(plans, today, audit_rows(*state_, clock, since), state_->handled_keys());
  // What the coordinator has still to decide (SPEC §9): `plan-reminder updates list`.
  rendered.board->updates_waiting =
      static_cast<int>(state_->updates({store::UpdateState::waiting}).size());
  state_->idle();
  return *rendered.board;
}

web::Response WebPages::board(const SiteState& site, const web::Request& request) {
  const web::LinkSubject subject{web::LinkPurpose::board, std::string(web::kBoardId), {}};
  const date::year_month_day day = today(site);
  auto page = requested_page(request);
  if (!page || !authorised(request, subject, day)) {
    return not_found(site);
  }
  return kept(site, day, response_key("board", "", request), [&] {
    const pages::PageRequest wanted{*page, own_link(settings_, subject, request)};
    auto body = pages::render_board(*site.deployment.web_templates, board_view(site, day), wanted);
    return body ? html(std::move(*body)) : not_found(site);
  });
}

web::Response WebPages::agency(const SiteState& site, const web::Request& request,
                               const std::string& id) {
  const web::LinkSubject subject{web::LinkPurpose::agency, id, {}};
  const date::year_month_day day = today(site);
  auto page = requested_page(request);
  if (!page || !authorised(request, subject, day)) {
    return not_found(site);
  }
  return kept(site, day, response_key("agency", id, request), [&] {
    auto view = pages::agency_view(*site.deployment.snapshot, id, day);
    if (!view) {
      return not_found(site);
    }
    const pages::PageRequest wanted{*page, own_link(settings_, subject, request)};
    auto body = pages::render_agency(*site.deployment.web_templates, *view, wanted);
    return body ? html(std::move(*body)) : not_found(site);
  });
}

web::Response WebPages::feed(const SiteState& site, const web::Request& request,
                             const std::string& id) {
  const web::LinkSubject subject{web::LinkPurpose::feed, id, {}};
  const date::year_month_day day = today(site);
  if (!authorised(request, subject, day)) {
    return not_found(site);
  }
  return kept(site, day, response_key("feed", id, request, false), [&] {
    const plan::Snapshot& snapshot = *site.deployment.snapshot;
    pages::CalendarFeed calendar;
    if (id == web::kBoardId) {
      calendar = pages::board_feed(snapshot.plans, snapshot.directory, day);
    } else if (const plan::Agency* agency = snapshot.directory.find(id)) {
      calendar = pages::agency_feed(snapshot.plans, *agency, day);
    } else {
      return not_found(site);
    }
    const std::string host = pages::feed_host(settings_.base_url);
    pages::set_sequences(calendar,
                         state_->calendar_sequences(pages::calendar_entries(calendar, host)));
    // DTSTAMP: when the plans the feed shows were last looked at by a pass, so that the same
    // feed gives the same bytes (and ETag) until something changes.
    const sys_seconds stamp = site.pass_started.value_or(now_());
    web::Response response;
    response.content_type = "text/calendar; charset=utf-8";
    response.body =
        pages::render_calendar(calendar, snapshot.directory,
                               pages::CalendarOptions{host, stamp, snapshot.config.classification});
    response.headers.push_back({"Cache-Control", std::string(feed_cache_control)});
    state_->idle();
    return response;
  });
}

web::Response WebPages::metrics(const SiteState& site) {
  const plan::Snapshot& snapshot = *site.deployment.snapshot;
  pages::MetricsView view;
  view.version = std::string(base::kVersion);
  const date::year_month_day day = today(site);
  Rendered& rendered = *rendered_;
  rendered.refresh(site, day);
  if (!rendered.milestone_counts) {
    policy::AgendaOptions options;
    options.as_of = day;
    options.horizon_days = snapshot.config.policy.digest_horizon_days;
    rendered.milestone_counts =
        pages::count_by_state(policy::build_agenda(snapshot.plans, options));
  }
  view.milestones = *rendered.milestone_counts;
  view.deliveries = state_->delivery_counts();
  view.outbox_length = static_cast<std::int64_t>(state_->queued_count());
  view.updates_waiting =
      static_cast<std::int64_t>(state_->updates({store::UpdateState::waiting}).size());
  view.last_pass = site.pass_started;
  if (site.pass_started && site.pass_finished) {
    view.last_pass_duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        *site.pass_finished - *site.pass_started);
  }
  view.plan_load_errors = static_cast<std::int64_t>(site.reload_problems.size());
  view.leading = !site.following;
  web::Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = pages::render_metrics(view);
  state_->idle();
  return response;
}

}  // namespace plan_reminder::service
