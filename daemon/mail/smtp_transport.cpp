// Delivery to an SMTP server through libcurl: one easy handle per transport, so that curl keeps
// the connection open across the messages of a batch; STARTTLS required unless smtps:// or
// plaintext explicitly allowed for a loopback host; certificates always verified; failures
// classified as transient (try later) or permanent (never), the password never in a detail.
#include "mail/transports.h"

#include "mail/curl_library.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace plan_reminder::mail {
namespace {

// Owners of libcurl's objects; each holds the loaded library that made the object.
struct CurlEasyDeleter {
  const CurlLibrary* curl = nullptr;
  void operator()(CURL* handle) const { curl->easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlListDeleter {
  const CurlLibrary* curl = nullptr;
  void operator()(curl_slist* list) const { curl->slist_free_all(list); }
};
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

struct CurlUrlDeleter {
  const CurlLibrary* curl = nullptr;
  void operator()(CURLU* url) const { curl->url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlStringDeleter {
  const CurlLibrary* curl = nullptr;
  void operator()(char* text) const { curl->free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// The server's reply kept for a detail: enough for "550 5.1.1 <x>: Recipient address rejected",
// not a whole EHLO list.
constexpr std::size_t kMaxReplyBytes = 400;

// A password shorter than this is not masked in details: masking every "a" would garble them.
constexpr std::size_t kMinMaskedPassword = 4;

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// localhost, 127.0.0.0/8 or ::1: where plaintext never leaves the machine.
bool is_loopback(std::string host) {
  host = lowercase(std::move(host));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty() && host.back() == '.') {
    host.pop_back();
  }
  if (host == "localhost") {
    return true;
  }
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

struct Endpoint {
  std::string scheme;  // "smtp" or "smtps"
  std::string host;
};

std::optional<std::string> url_part(const CurlLibrary& curl, CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl.url_get(url, part, &text, 0) != CURLUE_OK || text == nullptr) {
    return std::nullopt;
  }
  CurlString owned(text, CurlStringDeleter{&curl});
  return std::string(owned.get());
}

std::optional<Endpoint> parse_endpoint(const CurlLibrary& curl, const std::string& url_text,
                                       std::string& error) {
  CurlUrl url(curl.url(), CurlUrlDeleter{&curl});
  if (!url) {
    error = "cannot initialise libcurl";
    return std::nullopt;
  }
  if (curl.url_set(url.get(), CURLUPART_URL, url_text.c_str(), 0) != CURLUE_OK) {
    error = "transport.smtp.url '" + url_text + "' is not a URL (expected smtp://host:587)";
    return std::nullopt;
  }
  Endpoint endpoint;
  endpoint.scheme = lowercase(url_part(curl, url.get(), CURLUPART_SCHEME).value_or(""));
  endpoint.host = url_part(curl, url.get(), CURLUPART_HOST).value_or("");
  if (endpoint.scheme != "smtp" && endpoint.scheme != "smtps") {
    error = "transport.smtp.url '" + url_text + "' must start smtp:// (STARTTLS) or smtps:// (TLS)";
    return std::nullopt;
  }
  if (endpoint.host.empty()) {
    error = "transport.smtp.url '" + url_text + "' names no host";
    return std::nullopt;
  }
  // The URL is logged and shown (describe()); a password in it would leak.
  if (url_part(curl, url.get(), CURLUPART_USER) || url_part(curl, url.get(), CURLUPART_PASSWORD)) {
    error =
        "transport.smtp.url must not contain credentials; use username and password_file "
        "or credential";
    return std::nullopt;
  }
  return endpoint;
}

// An address curl may put between angle brackets in MAIL FROM / RCPT TO: no spaces, controls
// or brackets, which could end the command and start another.
bool is_envelope_address(std::string_view address) {
  return std::none_of(address.begin(), address.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || c == '<' || c == '>';
  });
}

std::string_view trim_brackets(std::string_view address) {
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
    address = address.substr(1, address.size() - 2);
  }
  return address;
}

// The message, handed to curl in pieces by its read callback.
struct Upload {
  std::string_view rest;
};

size_t read_message(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t length = std::min(size * count, upload->rest.size());
  std::memcpy(buffer, upload->rest.data(), length);
  upload->rest.remove_prefix(length);
  return length;
}

class SmtpTransport final : public Transport {
 public:
  SmtpTransport(const CurlLibrary& curl, const plan::SmtpSettings& settings,
                const Endpoint& endpoint, std::string password)
      : curl_(curl),
        url_(settings.url),
        host_(endpoint.host),
        username_(settings.username),
        password_(std::move(password)),
        ca_file_(settings.ca_file),
        require_tls_(!(settings.allow_plaintext && endpoint.scheme == "smtp")) {}

  // curl holds pointers to this object (error buffer, reply callback): it must not move.
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  SendResult send(std::string_view envelope_from, const std::vector<std::string>& recipients,
                  std::string_view raw_message) override {
    if (recipients.empty()) {
      return {SendResult::Status::permanent,
              SendResult::Cause::local,
              "the message has no recipients",
              false,
              {}};
    }
    std::string from(trim_brackets(envelope_from));
    if (!is_envelope_address(from)) {
      return {SendResult::Status::permanent,
              SendResult::Cause::local,
              "invalid sender address '" + from + "'",
              false,
              {}};
    }
    CurlList recipient_list(nullptr, CurlListDeleter{&curl_});
    for (const std::string& recipient : recipients) {
      std::string address(trim_brackets(recipient));
      if (address.empty() || !is_envelope_address(address)) {
        return {SendResult::Status::permanent,
                SendResult::Cause::recipients_refused,
                "invalid recipient address '" + address + "'",
                false,
                {}};
      }
      curl_slist* head = curl_.slist_append(recipient_list.get(), address.c_str());
      if (head == nullptr) {
        return {SendResult::Status::transient, SendResult::Cause::local, "out of memory", true, {}};
      }
      (void)recipient_list.release();
      recipient_list.reset(head);
    }

    CURL* curl = handle();
    if (curl == nullptr) {
      return {SendResult::Status::transient,
              SendResult::Cause::local,
              "cannot make a libcurl handle",
              true,
              {}};
    }
    Upload upload{raw_message};
    bool ready = curl_.easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str()) == CURLE_OK &&
                 curl_.easy_setopt(curl, CURLOPT_MAIL_RCPT, recipient_list.get()) == CURLE_OK &&
                 curl_.easy_setopt(curl, CURLOPT_READDATA, &upload) == CURLE_OK &&
                 curl_.easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                                   static_cast<curl_off_t>(raw_message.size())) == CURLE_OK;
    error_[0] = '\0';
    reply_.clear();
    refusal_.clear();
    partial_reply_.clear();
    CURLcode code = ready ? curl_.easy_perform(curl) : CURLE_OUT_OF_MEMORY;
    long reply_code = 0;
    curl_.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply_code);
    // Nothing of this call may outlive it.
    curl_.easy_setopt(curl, CURLOPT_MAIL_RCPT, static_cast<curl_slist*>(nullptr));
    curl_.easy_setopt(curl, CURLOPT_READDATA, static_cast<void*>(nullptr));

    SendResult result = classify(code, reply_code);
    result.detail = mask_password(std::move(result.detail));
    return result;
  }

  // Ends the batch: cleaning up the handle sends QUIT and closes the connection.
  void close() override { handle_.reset(); }

  std::string describe() const override { return "smtp " + url_; }

 private:
  // The handle for this batch, made with every setting that does not change per message.
  CURL* handle() {
    if (handle_) {
      return handle_.get();
    }
    CurlEasy curl(curl_.easy_init(), CurlEasyDeleter{&curl_});
    if (!curl) {
      return nullptr;
    }
    CURL* h = curl.get();
    bool ok = curl_.easy_setopt(h, CURLOPT_URL, url_.c_str()) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_ERRORBUFFER, error_) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L) == CURLE_OK &&
              // A server that stalls (under 1 byte/s for a minute) is given up on.
              curl_.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_USE_SSL,
                                require_tls_ ? static_cast<long>(CURLUSESSL_ALL)
                                             : static_cast<long>(CURLUSESSL_NONE)) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_SSLVERSION,
                                static_cast<long>(CURL_SSLVERSION_TLSv1_2)) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_READFUNCTION, read_message) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_reply_line) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_HEADERDATA, this) == CURLE_OK;
    if (ok && !ca_file_.empty()) {
      ok = curl_.easy_setopt(h, CURLOPT_CAINFO, ca_file_.c_str()) == CURLE_OK;
    }
    if (ok && !username_.empty()) {
      ok = curl_.easy_setopt(h, CURLOPT_USERNAME, username_.c_str()) == CURLE_OK &&
           curl_.easy_setopt(h, CURLOPT_PASSWORD, password_.c_str()) == CURLE_OK;
    }
    if (!ok) {
      return nullptr;
    }
    handle_ = std::move(curl);
    return handle_.get();
  }

  // curl hands each line the server sends to this callback; a line "250-..." continues a
  // reply, "250 ..." ends it. The last whole reply explains a failure.
  static size_t on_reply_line(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<SmtpTransport*>(user);
    std::string_view line(data, size * count);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (self->partial_reply_.size() < kMaxReplyBytes) {
      if (!self->partial_reply_.empty()) {
        self->partial_reply_ += ' ';
      }
      self->partial_reply_ += line.substr(0, kMaxReplyBytes);
    }
    if (line.size() < 4 || line[3] != '-') {
      // The first refusal explains the failure; the QUIT that follows it must not hide it.
      const std::string& reply = self->partial_reply_;
      if (self->refusal_.empty() && !reply.empty() && (reply[0] == '4' || reply[0] == '5')) {
        self->refusal_ = self->partial_reply_;
      }
      self->reply_ = std::move(self->partial_reply_);
      self->partial_reply_.clear();
    }
    return size * count;
  }

  // The server's refusal when there is one ("550 5.1.1 <x>: Recipient address rejected"), with
  // what curl made of it; otherwise what curl said (connection, TLS).
  std::string explanation(CURLcode code) const {
    std::string said = error_[0] != '\0' ? std::string(error_) : curl_.easy_strerror(code);
    if (refusal_.empty()) {
      return said;
    }
    return refusal_ + " (" + said + ")";
  }

  SendResult classify(CURLcode code, long reply_code) const {
    using Status = SendResult::Status;
    using Cause = SendResult::Cause;
    if (code == CURLE_OK) {
      return {Status::delivered, Cause::none, reply_, false, {}};
    }
    switch (code) {
      case CURLE_LOGIN_DENIED:
        // 454: a temporary AUTH failure; anything else is a wrong user name or password.
        if (reply_code >= 400 && reply_code < 500) {
          return {Status::transient,
                  Cause::credentials,
                  "SMTP authentication for user '" + username_ + "' at " + host_ +
                      " failed temporarily: " + explanation(code),
                  true,
                  {}};
        }
        return {Status::permanent,
                Cause::credentials,
                "SMTP authentication failed for user '" + username_ + "' at " + host_ +
                    " (check username and password): " + explanation(code),
                true,
                {}};
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return {Status::permanent,
                Cause::certificate,
                "TLS certificate verification failed for " + host_ + ": " + explanation(code) +
                    (ca_file_.empty() ? " (set ca_file to the CA that signed the server's "
                                        "certificate if it is not a public one)"
                                      : ""),
                true,
                {}};
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CRL_BADFILE:
        return {Status::permanent,
                Cause::certificate,
                "TLS certificate verification failed for " + host_ + ": cannot read " +
                    (ca_file_.empty() ? std::string("the system's CA certificates")
                                      : "the CA file " + ca_file_) +
                    ": " + explanation(code),
                true,
                {}};
      case CURLE_USE_SSL_FAILED:
        return {Status::permanent, Cause::unreachable,
                "STARTTLS is required but " + host_ + " does not offer it: " + explanation(code) +
                    " (use smtps:// or a server with STARTTLS; plaintext is allowed only to a "
                    "loopback host with allow_plaintext)",
                true,
                {}};
      default:
        break;
    }
    if (reply_code >= 500) {
      if (reply_code == 535) {
        return {Status::permanent,
                Cause::credentials,
                "SMTP authentication failed for user '" + username_ + "' at " + host_ + ": " +
                    explanation(code),
                true,
                {}};
      }
      return {Status::permanent, Cause::message_refused, explanation(code), false, {}};
    }
    if (reply_code >= 400) {
      // 421: the server is closing the connection; the rest of the batch would meet it too.
      return {Status::transient, Cause::server_busy, explanation(code), reply_code == 421, {}};
    }
    // No reply to blame: the connection (refused, timed out, name not found, TLS handshake,
    // dropped). The message may go through later.
    return {Status::transient,
            Cause::unreachable,
            "cannot deliver to " + host_ + ": " + explanation(code),
            true,
            {}};
  }

  std::string mask_password(std::string text) const {
    if (password_.size() < kMinMaskedPassword) {
      return text;
    }
    for (auto at = text.find(password_); at != std::string::npos; at = text.find(password_, at)) {
      text.replace(at, password_.size(), "********");
    }
    return text;
  }

  const CurlLibrary& curl_;
  std::string url_;
  std::string host_;
  std::string username_;
  std::string password_;
  std::string ca_file_;
  bool require_tls_ = true;
  char error_[CURL_ERROR_SIZE] = {};
  std::string reply_;          // the server's last whole reply
  std::string refusal_;        // its first 4xx or 5xx reply in this send
  std::string partial_reply_;  // the lines of the reply being read
  CurlEasy handle_;            // last: cleaned up (QUIT) while the buffers above still exist
};

}  // namespace

std::unique_ptr<Transport> make_smtp_transport(const plan::SmtpSettings& settings,
                                               std::string password, std::string& error) {
  const CurlLibrary* curl = curl_library(error);
  if (curl == nullptr) {
    return nullptr;
  }
  auto endpoint = parse_endpoint(*curl, settings.url, error);
  if (!endpoint) {
    return nullptr;
  }
  if (settings.allow_plaintext && endpoint->scheme == "smtp" && !is_loopback(endpoint->host)) {
    error =
        "transport.smtp.allow_plaintext is honoured only for a loopback host (localhost, "
        "127.0.0.0/8, ::1), not " +
        endpoint->host + ": remove it to use STARTTLS, or use smtps://";
    return nullptr;
  }
  return std::make_unique<SmtpTransport>(*curl, settings, *endpoint, std::move(password));
}

}  // namespace plan_reminder::mail
