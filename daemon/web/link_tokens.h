// The signed links of the web surface (SPEC §8, §9): the key that signs them, the tokens their
// URLs carry, the epochs that revoke them and the URLs themselves. A token is an HMAC-SHA256
// (libsodium) over the link's purpose, id, epoch and last day, keyed by the secret; the epoch of
// each (purpose, id) lives in the state, and raising it revokes every link made before.
//
// Nothing here prints, logs or returns the secret; a token appears only in the URL that
// `plan-reminder url` or an email shows on purpose.
#pragma once

#include "base/result.h"
#include "plan/config.h"
#include "plan/model.h"
#include "store/state_store.h"

#include <date/date.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::web {

// What a link opens. A token made for one purpose opens nothing of another: a feed's token
// never opens a page. An `update` link opens an agency's update page for the milestones of one
// email (SPEC §9): its scope is that email's Message-ID. A `coordinator` link (id kBoardId)
// opens the page where the coordinator accepts or rejects the agencies' updates.
enum class LinkPurpose { board, agency, feed, update, coordinator };

// "board", "agency", "feed", "update", "coordinator": the word in the state's epoch keys and in
// the signed message.
std::string_view purpose_name(LinkPurpose purpose);

// The id of the partnership-wide links (the board page and the board feed).
inline constexpr std::string_view kBoardId = plan::kBoardLinkId;

// What one link opens: a purpose and the agency id, or kBoardId.
struct LinkSubject {
  LinkPurpose purpose = LinkPurpose::board;
  std::string id;
  // What else the link is signed for, in order (issue 11: the milestones of an update link,
  // which its URL carries); empty for pages and feeds. Not part of the epoch's key.
  std::vector<std::string> scope;
  friend bool operator==(const LinkSubject&, const LinkSubject&) = default;
};

// The key that signs links: the bytes of `web.secret_file` or of the systemd credential
// `web.credential`, at least 32 of them. Kept in memory that libsodium guards, locks where it
// may, makes read-only and wipes when the secret goes; never copied elsewhere.
class LinkSecret {
 public:
  static constexpr std::size_t kMinBytes = 32;
  static constexpr std::size_t kMaxBytes = 4096;

  // From the config's web settings: secret_file, or the credential under
  // $CREDENTIALS_DIRECTORY. The error names the file and what is wrong (missing, a folder,
  // readable by every user, too short, too long), never its content.
  static base::Result<LinkSecret> load(const plan::WebSettings& web);
  // Makes `web.secret_file` with kMinBytes random bytes (mode 0600) when there is no file there
  // yet, so that a new deployment needs no step before its first links: true when it made one.
  // Nothing for a credential (false), or when the file exists.
  static base::Result<bool> create_if_missing(const plan::WebSettings& web);
  // From the file at `path`, with the same checks.
  static base::Result<LinkSecret> read(const std::string& path);
  // From bytes at hand (tests, fuzzing); throws std::invalid_argument when there are fewer
  // than kMinBytes or more than kMaxBytes.
  static LinkSecret from_bytes(std::string_view bytes);

  LinkSecret(LinkSecret&& other) noexcept;
  LinkSecret& operator=(LinkSecret&& other) noexcept;
  LinkSecret(const LinkSecret&) = delete;
  LinkSecret& operator=(const LinkSecret&) = delete;
  ~LinkSecret();

  // The key, for the HMAC only.
  const unsigned char* data() const { return bytes_; }
  std::size_t size() const { return size_; }

 private:
  LinkSecret(unsigned char* bytes, std::size_t size) : bytes_(bytes), size_(size) {}
  unsigned char* bytes_ = nullptr;  // sodium_malloc'd
  std::size_t size_ = 0;
};

// The token for `subject` at `epoch`: URL-safe base64 without padding. With `last_day`, the
// link works until the end of that day (in the partnership's time zone) and no longer; without
// it, until its epoch is raised. Throws std::invalid_argument for a last_day that is not a
// real day from 1970 on.
std::string sign(const LinkSecret& secret, const LinkSubject& subject, std::uint64_t epoch,
                 std::optional<date::year_month_day> last_day = std::nullopt);

// Why a token does or does not open a link: for debug logs, which never show the token. A
// visitor is told only that the page was not found (SPEC §8), whatever the reason.
enum class LinkCheck {
  valid,
  malformed,   // not a token at all: wrong length, characters or layout
  not_signed,  // not signed for this subject at this epoch: altered, another purpose, id or
               // scope, revoked (an older epoch) or made with another secret
  expired,     // genuine, but its last day is before `today`
};
std::string_view describe(LinkCheck check);

// Checks `token` (any bytes at all: it comes from a URL) for `subject` at `epoch`, today being
// `today` in the partnership's time zone. Compares in constant time; never throws, allocates
// nothing.
LinkCheck verify(const LinkSecret& secret, const LinkSubject& subject, std::uint64_t epoch,
                 std::string_view token, date::year_month_day today) noexcept;

// The last day an emailed link works: `link_days` (web.link_days) days after the day it was sent.
date::year_month_day emailed_link_last_day(date::year_month_day sent, int link_days);

// A short, stable name for a token that does not reveal it (hex of a hash): what an update
// records as the link it came through, and what a rate limit counts by (issue 11).
std::string token_id(std::string_view token);

// The form token of the pages a link opens (CSRF, SPEC §9): an HMAC of the link's token, so
// that a form is accepted only with the link it was served through, and no other site can make
// one. A hidden field of every form; never in a URL.
std::string form_token(const LinkSecret& secret, std::string_view link_token);
// Whether `sent` is the form token of `link_token`; constant time, never throws.
bool form_token_matches(const LinkSecret& secret, std::string_view link_token,
                        std::string_view sent) noexcept;

// The state's name of the epoch of `subject`: "link-epoch/<purpose>/<id>".
std::string epoch_setting(const LinkSubject& subject);
// The epoch links of `subject` are signed at now: 0 until revoked. Throws std::runtime_error
// when the stored value is not a number (a damaged state).
std::uint64_t current_epoch(store::StateStore& state, const LinkSubject& subject);
// Raises the epoch of `subject`, so that every link made before stops working at once (the
// daemon reads the epoch at each request), and returns the new one.
std::uint64_t revoke(store::StateStore& state, const LinkSubject& subject);

// The URL of a link: {base_url}/board?t=T, {base_url}/agency/ID?t=T, {base_url}/feeds/ID.ics?t=T,
// {base_url}/feeds/board.ics?t=T, {base_url}/update/ID?m=MESSAGE-ID&t=T or
// {base_url}/updates?t=T (the coordinator's page), the id and the
// Message-ID percent-encoded where they need to be.
std::string link_url(std::string_view base_url, const LinkSubject& subject, std::string_view token);

}  // namespace plan_reminder::web
