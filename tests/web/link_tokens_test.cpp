// Tests for the signed links of the web surface (web/link_tokens.h, SPEC §8): a token opens
// exactly the link it was made for, at its epoch and until its last day; any change to it, or
// to what it is checked against, shuts the link; the secret is read with care and never quoted.
#include "web/link_tokens.h"

#include "support/scoped_environment.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace plan_reminder::web {
namespace {

namespace fs = std::filesystem;
using namespace date::literals;
using test_support::ScopedEnvironment;
using test_support::TempDir;

// 32 recognisable bytes: a test can tell if any of them leaks into a message.
constexpr std::string_view kSecretBytes = "S3cr3t-link-key-0123456789-ABCDE";
constexpr date::year_month_day kToday = 2026_y / date::November / 30;

void write_file(const fs::path& path, std::string_view bytes, fs::perms mode) {
  std::ofstream(path, std::ios::binary) << bytes;
  fs::permissions(path, mode);
}

const LinkSubject kAgency{LinkPurpose::agency, "police", {}};
const LinkSubject kBoard{LinkPurpose::board, std::string(kBoardId), {}};

class LinkTokensTest : public ::testing::Test {
 protected:
  LinkSecret secret_ = LinkSecret::from_bytes(kSecretBytes);
};

// Tests that a token opens the link it was signed for, lasting or until its last day.
TEST_F(LinkTokensTest, SignedTokenVerifies) {
  std::string lasting = sign(secret_, kAgency, 0);
  EXPECT_EQ(verify(secret_, kAgency, 0, lasting, kToday), LinkCheck::valid);
  std::string expiring = sign(secret_, kAgency, 3, 2027_y / date::January / 29);
  EXPECT_EQ(verify(secret_, kAgency, 3, expiring, kToday), LinkCheck::valid);
  // Only URL-safe characters, no padding: the token goes into a URL as it is.
  for (const std::string& token : {lasting, expiring}) {
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << token;
  }
  // The same link signed twice is the same token (a link in two emails is one link).
  EXPECT_EQ(sign(secret_, kAgency, 0), lasting);
}

// Tests that changing any one character of a token, to any other character, shuts the link.
TEST_F(LinkTokensTest, EverySingleCharacterChangeFails) {
  // Every byte, not only base64's characters: a byte with the high bit set must not pass for
  // the character 128 below it.
  std::string alphabet;
  for (int byte = 0; byte < 256; ++byte) {
    alphabet += static_cast<char>(byte);
  }
  for (const std::string& token :
       {sign(secret_, kAgency, 0), sign(secret_, kAgency, 0, 2027_y / date::January / 29)}) {
    for (std::size_t at = 0; at < token.size(); ++at) {
      for (char c : alphabet) {
        if (c == token[at]) {
          continue;
        }
        std::string altered = token;
        altered[at] = c;
        EXPECT_NE(verify(secret_, kAgency, 0, altered, kToday), LinkCheck::valid)
            << "position " << at << " changed to byte "
            << static_cast<int>(static_cast<unsigned char>(c));
      }
    }
  }
}

// Tests that every truncation of a token, and a token with more after it, shuts the link.
TEST_F(LinkTokensTest, TruncatedOrExtendedTokenFails) {
  for (const std::string& token :
       {sign(secret_, kAgency, 0), sign(secret_, kAgency, 0, 2027_y / date::January / 29)}) {
    for (std::size_t length = 0; length < token.size(); ++length) {
      EXPECT_NE(verify(secret_, kAgency, 0, token.substr(0, length), kToday), LinkCheck::valid)
          << length;
      EXPECT_NE(verify(secret_, kAgency, 0, token.substr(token.size() - length), kToday),
                LinkCheck::valid)
          << length;
    }
    EXPECT_EQ(verify(secret_, kAgency, 0, token + "A", kToday), LinkCheck::malformed);
    EXPECT_EQ(verify(secret_, kAgency, 0, token + token, kToday), LinkCheck::malformed);
  }
}

// Tests that a token opens nothing of another purpose, agency, scope or epoch, nor under
// another secret.
TEST_F(LinkTokensTest, TokenOpensOnlyItsOwnLink) {
  std::string token = sign(secret_, kAgency, 2);
  EXPECT_EQ(verify(secret_, {LinkPurpose::feed, "police", {}}, 2, token, kToday),
            LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, {LinkPurpose::board, "police", {}}, 2, token, kToday),
            LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, {LinkPurpose::agency, "council", {}}, 2, token, kToday),
            LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, {LinkPurpose::agency, "Police", {}}, 2, token, kToday),
            LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, {LinkPurpose::agency, "police", {"david/1.1/a"}}, 2, token, kToday),
            LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, kAgency, 1, token, kToday), LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, kAgency, 3, token, kToday), LinkCheck::not_signed);
  LinkSecret other = LinkSecret::from_bytes("another-secret-of-32-bytes-at-least");
  EXPECT_EQ(verify(other, kAgency, 2, token, kToday), LinkCheck::not_signed);
  // A lasting token for the board feed does not open the board page, nor the reverse.
  EXPECT_EQ(verify(secret_, kBoard, 0, sign(secret_, {LinkPurpose::feed, "board", {}}, 0), kToday),
            LinkCheck::not_signed);
}

// Tests that the fields are encoded apart: moving a character from one field to the next
// (id "ab" + scope "c" against id "a" + scope "bc") gives another token.
TEST_F(LinkTokensTest, FieldsCannotRunIntoEachOther) {
  LinkSubject first{LinkPurpose::agency, "ab", {"c"}};
  LinkSubject second{LinkPurpose::agency, "a", {"bc"}};
  LinkSubject third{LinkPurpose::agency, "a", {"b", "c"}};
  std::string token = sign(secret_, first, 0);
  EXPECT_EQ(verify(secret_, first, 0, token, kToday), LinkCheck::valid);
  EXPECT_EQ(verify(secret_, second, 0, token, kToday), LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, third, 0, token, kToday), LinkCheck::not_signed);
}

// Tests that an emailed link works through its last day and stops the day after, and that
// giving a lasting token a last day (or the reverse) makes it a forgery.
TEST_F(LinkTokensTest, ExpiresAfterItsLastDay) {
  const date::year_month_day last = emailed_link_last_day(kToday, 60);
  EXPECT_EQ(last, 2027_y / date::January / 29);
  std::string token = sign(secret_, kAgency, 0, last);
  EXPECT_EQ(verify(secret_, kAgency, 0, token, kToday), LinkCheck::valid);
  EXPECT_EQ(verify(secret_, kAgency, 0, token, 2027_y / date::January / 29), LinkCheck::valid);
  EXPECT_EQ(verify(secret_, kAgency, 0, token, 2027_y / date::January / 30), LinkCheck::expired);
  EXPECT_EQ(verify(secret_, kAgency, 0, token, 2030_y / date::January / 1), LinkCheck::expired);
  // An expiring link with a later last day is another token, not an extension of this one.
  EXPECT_NE(sign(secret_, kAgency, 0, 2027_y / date::January / 30), token);
  // The lasting token of the same link never expires.
  EXPECT_EQ(verify(secret_, kAgency, 0, sign(secret_, kAgency, 0), 2099_y / date::January / 1),
            LinkCheck::valid);
}

// Tests that text that is no token at all is refused as such, without an exception.
TEST_F(LinkTokensTest, GarbageIsMalformed) {
  for (std::string_view text : std::initializer_list<std::string_view>{
           "", "t", "AAAA", "not a token", "%00%00", std::string_view("\0\0\0\0", 4),
           "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
           "/////////////////////////////////////////////////////////////////////////////"}) {
    EXPECT_EQ(verify(secret_, kAgency, 0, text, kToday), LinkCheck::malformed) << text;
  }
  // The right length with an unknown layout byte.
  std::string token = sign(secret_, kAgency, 0);
  token[0] = 'D';
  EXPECT_EQ(verify(secret_, kAgency, 0, token, kToday), LinkCheck::malformed);
}

// Tests that a token id names a token without showing it, and tells tokens apart.
TEST_F(LinkTokensTest, TokenIdHidesTheToken) {
  std::string token = sign(secret_, kAgency, 0);
  std::string id = token_id(token);
  EXPECT_EQ(id.size(), 32U);
  EXPECT_EQ(id, token_id(token));
  EXPECT_NE(id, token_id(sign(secret_, kAgency, 1)));
  EXPECT_EQ(id.find(token.substr(0, 6)), std::string::npos);
}

// Tests that links are printed at the URLs the daemon serves, ids percent-encoded.
TEST(LinkUrlTest, UrlPerPurpose) {
  const std::string base = "https://dhr.example.org";
  EXPECT_EQ(link_url(base, kBoard, "TOK"), "https://dhr.example.org/board?t=TOK");
  EXPECT_EQ(link_url(base, kAgency, "TOK"), "https://dhr.example.org/agency/police?t=TOK");
  EXPECT_EQ(link_url(base, {LinkPurpose::feed, "police", {}}, "TOK"),
            "https://dhr.example.org/feeds/police.ics?t=TOK");
  EXPECT_EQ(link_url(base, {LinkPurpose::feed, "board", {}}, "TOK"),
            "https://dhr.example.org/feeds/board.ics?t=TOK");
  EXPECT_EQ(link_url(base + "/", {LinkPurpose::agency, "a b/ü?&#", {}}, "TOK"),
            "https://dhr.example.org/agency/a%20b%2F%C3%BC%3F%26%23?t=TOK");
  EXPECT_EQ(link_url("https://example.org/dhr", {LinkPurpose::agency, "ok-1_x.y~z", {}}, "T"),
            "https://example.org/dhr/agency/ok-1_x.y~z?t=T");
}

// Tests the update link's URL: the agency's page with the email's Message-ID, then the token.
TEST(LinkUrlTest, UpdateLinkCarriesTheMessageId) {
  EXPECT_EQ(link_url("https://dhr.example.org",
                     {LinkPurpose::update, "wwin", {"0a1b@partnership.example.org"}}, "TOK"),
            "https://dhr.example.org/update/wwin?m=0a1b%40partnership.example.org&t=TOK");
}

// Tests that a link's token opens the update link of its own email only: another email's
// Message-ID (the scope), or another agency, shuts it.
TEST_F(LinkTokensTest, UpdateTokenIsBoundToItsEmail) {
  const LinkSubject mine{LinkPurpose::update, "wwin", {"aa@example.org"}};
  const std::string token = sign(secret_, mine, 0, 2027_y / date::January / 29);
  EXPECT_EQ(verify(secret_, mine, 0, token, kToday), LinkCheck::valid);
  EXPECT_EQ(verify(secret_, {LinkPurpose::update, "wwin", {"bb@example.org"}}, 0, token, kToday),
            LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, {LinkPurpose::update, "police", {"aa@example.org"}}, 0, token, kToday),
            LinkCheck::not_signed);
  EXPECT_EQ(verify(secret_, {LinkPurpose::agency, "wwin", {}}, 0, token, kToday),
            LinkCheck::not_signed);
}

// Tests the form token (CSRF): it matches only the link token it was made for, under this
// secret; anything else, empty or oversized, does not match.
TEST_F(LinkTokensTest, FormTokenIsBoundToTheLink) {
  const std::string link = sign(secret_, kAgency, 0);
  const std::string form = form_token(secret_, link);
  EXPECT_TRUE(form_token_matches(secret_, link, form));
  EXPECT_FALSE(form_token_matches(secret_, sign(secret_, kAgency, 1), form));
  EXPECT_FALSE(form_token_matches(LinkSecret::from_bytes(std::string(32, 'z')), link, form));
  std::string changed = form;
  changed[3] = changed[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(form_token_matches(secret_, link, changed));
  EXPECT_FALSE(form_token_matches(secret_, link, ""));
  EXPECT_FALSE(form_token_matches(secret_, link, std::string(5000, 'A')));
  EXPECT_EQ(form.find(link.substr(0, 8)), std::string::npos);
}

// A state in a temporary folder, as the daemon and `url` open it.
class LinkEpochTest : public ::testing::Test {
 protected:
  TempDir folder_{"plan-reminder-links"};
  std::unique_ptr<store::StateStore> state_ =
      store::StateStore::open((folder_.path() / "state.db").string());
  LinkSecret secret_ = LinkSecret::from_bytes(kSecretBytes);
};

// Tests that the epoch starts at 0 and that revoking raises it, so the old token fails and a
// new one works; other links keep theirs.
TEST_F(LinkEpochTest, RevokeShutsTheOldLink) {
  EXPECT_EQ(current_epoch(*state_, kAgency), 0U);
  std::string old_token = sign(secret_, kAgency, current_epoch(*state_, kAgency));
  std::string board_token = sign(secret_, kBoard, current_epoch(*state_, kBoard));
  EXPECT_EQ(revoke(*state_, kAgency), 1U);
  EXPECT_EQ(current_epoch(*state_, kAgency), 1U);
  EXPECT_EQ(state_->setting("link-epoch/agency/police"), "1");
  EXPECT_EQ(verify(secret_, kAgency, current_epoch(*state_, kAgency), old_token, kToday),
            LinkCheck::not_signed);
  std::string new_token = sign(secret_, kAgency, current_epoch(*state_, kAgency));
  EXPECT_EQ(verify(secret_, kAgency, current_epoch(*state_, kAgency), new_token, kToday),
            LinkCheck::valid);
  EXPECT_EQ(verify(secret_, kBoard, current_epoch(*state_, kBoard), board_token, kToday),
            LinkCheck::valid);
  // The feed of the same agency is another link with its own epoch.
  EXPECT_EQ(current_epoch(*state_, {LinkPurpose::feed, "police", {}}), 0U);
  EXPECT_EQ(revoke(*state_, kAgency), 2U);
}

// Tests that a damaged epoch in the state is an error, never epoch 0 (which would reopen
// revoked links).
TEST_F(LinkEpochTest, DamagedEpochIsAnError) {
  state_->set_setting("link-epoch/agency/police", "one");
  EXPECT_THROW(static_cast<void>(current_epoch(*state_, kAgency)), std::runtime_error);
  state_->set_setting("link-epoch/agency/police", "");
  EXPECT_THROW(static_cast<void>(current_epoch(*state_, kAgency)), std::runtime_error);
}

class LinkSecretFileTest : public ::testing::Test {
 protected:
  // Expects the secret to be refused with a message that names `path` and says `problem`,
  // and quotes none of the file's bytes.
  void expect_refused(const base::Result<LinkSecret>& secret, const fs::path& path,
                      std::string_view problem) {
    ASSERT_FALSE(secret.ok());
    const std::string& message = secret.error().message;
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find(problem), std::string::npos) << message;
    EXPECT_EQ(message.find(kSecretBytes.substr(0, 8)), std::string::npos) << message;
    EXPECT_EQ(message.find("S3cr3t"), std::string::npos) << message;
  }

  TempDir folder_{"plan-reminder-secret"};
  fs::path file_ = folder_.path() / "link-secret";
};

// Tests that a secret file of at least 32 bytes, mode 0600, is read and signs as the same
// bytes given directly do.
TEST_F(LinkSecretFileTest, ReadsAGoodFile) {
  write_file(file_, kSecretBytes, fs::perms::owner_read | fs::perms::owner_write);
  plan::WebSettings web;
  web.secret_file = file_.string();
  auto secret = LinkSecret::load(web);
  ASSERT_TRUE(secret.ok()) << secret.error().message;
  EXPECT_EQ(secret->size(), kSecretBytes.size());
  LinkSecret direct = LinkSecret::from_bytes(kSecretBytes);
  EXPECT_EQ(sign(*secret, kAgency, 0), sign(direct, kAgency, 0));
}

// Tests that a missing, short, world-readable or oversized secret file, or a folder, is
// refused with the file's name and the fix, never its content.
TEST_F(LinkSecretFileTest, RefusesBadFiles) {
  expect_refused(LinkSecret::read(file_.string()), file_, "No such file or directory");

  write_file(file_, kSecretBytes.substr(0, 31), fs::perms::owner_read | fs::perms::owner_write);
  expect_refused(LinkSecret::read(file_.string()), file_, "is too short (31 bytes");

  write_file(file_, kSecretBytes,
             fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                 fs::perms::others_read);
  expect_refused(LinkSecret::read(file_.string()), file_,
                 "can be read or written by every user (mode 0644): run chmod 600");

  write_file(file_, std::string(LinkSecret::kMaxBytes + 1, 'S'), fs::perms::owner_read);
  expect_refused(LinkSecret::read(file_.string()), file_, "is too large");

  expect_refused(LinkSecret::read(folder_.path().string()), folder_.path(),
                 "is not a regular file (a folder)");
}

// Tests that the secret can come from a systemd credential, and that without
// $CREDENTIALS_DIRECTORY the error says what to do.
TEST_F(LinkSecretFileTest, ReadsASystemdCredential) {
  write_file(file_, kSecretBytes, fs::perms::owner_read);
  plan::WebSettings web;
  web.credential = "link-secret";
  {
    ScopedEnvironment environment("CREDENTIALS_DIRECTORY", folder_.path().string());
    auto secret = LinkSecret::load(web);
    ASSERT_TRUE(secret.ok()) << secret.error().message;
    EXPECT_EQ(sign(*secret, kAgency, 0), sign(LinkSecret::from_bytes(kSecretBytes), kAgency, 0));
  }
  ScopedEnvironment environment("CREDENTIALS_DIRECTORY", "");
  auto secret = LinkSecret::load(web);
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(
      secret.error().message.find("web.credential 'link-secret' needs $CREDENTIALS_DIRECTORY"),
      std::string::npos)
      << secret.error().message;
}
// Tests that a secret file not made yet is made once, private to its owner (in a folder made
// for it), that the next call keeps it (links stay valid), and that a credential is left to
// systemd.
TEST_F(LinkSecretFileTest, MakesAMissingSecretOnce) {
  plan::WebSettings web;
  web.secret_file = (folder_.path() / "var" / "link-secret").string();
  auto created = LinkSecret::create_if_missing(web);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(*created);
  EXPECT_EQ(fs::status(web.secret_file).permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::file_size(web.secret_file), LinkSecret::kMinBytes);
  auto first = LinkSecret::load(web);
  ASSERT_TRUE(first.ok()) << first.error().message;
  const std::string token = sign(*first, kAgency, 0);

  created = LinkSecret::create_if_missing(web);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE(*created);
  auto again = LinkSecret::load(web);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(sign(*again, kAgency, 0), token);

  // Two new deployments get different secrets.
  plan::WebSettings other;
  other.secret_file = (folder_.path() / "other-secret").string();
  ASSERT_TRUE(LinkSecret::create_if_missing(other).ok());
  auto second = LinkSecret::load(other);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(sign(*second, kAgency, 0), token);

  plan::WebSettings credential;
  credential.credential = "link-secret";
  created = LinkSecret::create_if_missing(credential);
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(*created);
}

}  // namespace
}  // namespace plan_reminder::web
