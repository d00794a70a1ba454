// Delivery to an SMTP server through libcurl: one easy handle per transport, so that curl keeps
// the connection open across the messages of a batch; STARTTLS required unless smtps:// or
// plaintext explicitly allowed for a loopback host; certificates always verified; failures
// classified as transient (try later) or permanent (never) from the server's own replies,
// with their cause; a refused recipient does not stop the others; the reply to the end of a
// message is awaited for 10 minutes (RFC 5321); the password never in a detail.
#include "mail/transports.h"

#include "base/ascii.h"
#include "mail/curl_library.h"
#include "plan/address.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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
  endpoint.scheme = base::ascii_lower(url_part(curl, url.get(), CURLUPART_SCHEME).value_or(""));
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

// What curl is doing in the SMTP dialogue, from the commands it sends: a reply answers the
// last command (the greeting answers none).
enum class Stage { greeting, hello, starttls, auth, mail, rcpt, data, body, quit, other };

// One whole reply of the server ("250-..." lines end with "250 ...").
struct Reply {
  Stage stage;
  std::size_t recipient;  // for Stage::rcpt: the index of the recipient it answers
  int code;
  std::string text;  // its lines joined by spaces, at most kMaxReplyBytes
};

int reply_code(std::string_view text) {
  if (text.size() < 3 || !base::is_ascii_digit(text[0]) || !base::is_ascii_digit(text[1]) ||
      !base::is_ascii_digit(text[2])) {
    return 0;
  }
  return (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
}

// "30 s", "10 min", "1.5 s": a timeout for a detail.
std::string duration_text(std::chrono::milliseconds duration) {
  auto ms = duration.count();
  if (ms % 60000 == 0) {
    return std::to_string(ms / 60000) + " min";
  }
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + " s";
  }
  return std::to_string(ms) + " ms";
}

class SmtpTransport final : public Transport {
 public:
  using Clock = std::chrono::steady_clock;

  SmtpTransport(const CurlLibrary& curl, const plan::SmtpSettings& settings,
                const Endpoint& endpoint, std::string password, const SmtpTimeouts& timeouts)
      : curl_(curl),
        url_(settings.url),
        host_(endpoint.host),
        username_(settings.username),
        password_(std::move(password)),
        ca_file_(settings.ca_file),
        require_tls_(!(settings.allow_plaintext && endpoint.scheme == "smtp")),
        timeouts_(timeouts) {}

  // curl holds pointers to this object (error buffer, callbacks): it must not move.
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  SendResult send(std::string_view envelope_from, const std::vector<std::string>& recipients,
                  std::string_view raw_message) override {
    using Status = SendResult::Status;
    using Cause = SendResult::Cause;
    if (interrupted_) {
      return {Status::transient,
              Cause::local,
              "the service is stopping; the message was not attempted",
              true,
              {}};
    }
    if (recipients.empty()) {
      return {Status::permanent, Cause::local, "the message has no recipients", false, {}};
    }
    std::string from(trim_brackets(envelope_from));
    if (!is_envelope_address(from)) {
      return {Status::permanent, Cause::local, "invalid sender address '" + from + "'", false, {}};
    }
    CurlList recipient_list(nullptr, CurlListDeleter{&curl_});
    recipients_.clear();
    for (const std::string& recipient : recipients) {
      std::string address(trim_brackets(recipient));
      if (address.empty() || !is_envelope_address(address)) {
        return {Status::permanent,
                Cause::recipients_refused,
                "invalid recipient address '" + address + "'",
                false,
                {}};
      }
      curl_slist* head = curl_.slist_append(recipient_list.get(), address.c_str());
      if (head == nullptr) {
        return {Status::transient, Cause::local, "out of memory", true, {}};
      }
      (void)recipient_list.release();
      recipient_list.reset(head);
      recipients_.push_back(std::move(address));
    }
    from_ = from;

    CURL* curl = handle();
    if (curl == nullptr) {
      return {Status::transient, Cause::local, "cannot make a libcurl handle", true, {}};
    }
    Upload upload{raw_message, this};
    bool ready = curl_.easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str()) == CURLE_OK &&
                 curl_.easy_setopt(curl, CURLOPT_MAIL_RCPT, recipient_list.get()) == CURLE_OK &&
                 curl_.easy_setopt(curl, CURLOPT_READDATA, &upload) == CURLE_OK &&
                 curl_.easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                                   static_cast<curl_off_t>(raw_message.size())) == CURLE_OK;
    error_[0] = '\0';
    replies_.clear();
    partial_reply_.clear();
    stage_ = Stage::greeting;  // on a reused connection the first command (MAIL) moves it on
    rcpt_sent_ = 0;
    body_sent_ = false;
    timed_out_ = false;
    stopped_ = false;
    last_activity_ = Clock::now();
    last_upload_ = last_download_ = -1;
    CURLcode code = ready ? curl_.easy_perform(curl) : CURLE_OUT_OF_MEMORY;
    // Nothing of this call may outlive it.
    curl_.easy_setopt(curl, CURLOPT_MAIL_RCPT, static_cast<curl_slist*>(nullptr));
    curl_.easy_setopt(curl, CURLOPT_READDATA, static_cast<void*>(nullptr));

    long os_error = 0;
    curl_.easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_error);
    os_error_ = static_cast<int>(os_error);
    if (timed_out_ || stopped_) {
      // The server may still answer the command it was given, and would answer it to the next
      // one: never reuse this connection, nor wait on it for QUIT.
      drop_connection();
    }
    SendResult result = classify(code);
    result.detail = mask_password(std::move(result.detail));
    for (RefusedRecipient& refused : result.refused) {
      refused.reply = mask_password(std::move(refused.reply));
    }
    return result;
  }

  // Ends the batch: cleaning up the handle sends QUIT and closes the connection (at a stop,
  // without waiting for the server's goodbye).
  void close() override {
    last_activity_ = Clock::now();
    stage_ = Stage::quit;
    if (interrupted_) {
      drop_connection();
    }
    handle_.reset();
  }

  void interrupt(Clock::duration grace) override {
    Clock::rep unset = 0;
    interrupt_at_.compare_exchange_strong(unset, (Clock::now() + grace).time_since_epoch().count());
    interrupted_ = true;
  }

  std::string describe() const override { return "smtp " + url_; }

 private:
  // The message, handed to curl in pieces by its read callback.
  struct Upload {
    std::string_view rest;
    SmtpTransport* transport;
  };

  static size_t read_message(char* buffer, size_t size, size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    size_t length = std::min(size * count, upload->rest.size());
    std::memcpy(buffer, upload->rest.data(), length);
    upload->rest.remove_prefix(length);
    if (upload->rest.empty() && !upload->transport->body_sent_) {
      // Curl has the whole message (it does not always ask again for the end, when it knows
      // the size): it now ends it ("." line) and waits for the final reply.
      upload->transport->body_sent_ = true;
      upload->transport->last_activity_ = Clock::now();
    }
    return length;
  }

  // Closes the connection without QUIT: shutting the socket down makes curl's QUIT fail at
  // once when the handle is cleaned up.
  void drop_connection() {
    if (!handle_) {
      return;
    }
    curl_socket_t socket = CURL_SOCKET_BAD;
    if (curl_.easy_getinfo(handle_.get(), CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK &&
        socket != CURL_SOCKET_BAD) {
      ::shutdown(socket, SHUT_RDWR);
    }
    handle_.reset();
  }

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
    // curl's own reply timeout only backs up on_progress, which enforces the stall and
    // final-reply limits itself; so is the connect timeout (TCP, TLS, the greeting).
    auto backstop =
        std::chrono::ceil<std::chrono::seconds>(timeouts_.final_reply + timeouts_.stall);
    bool ok = curl_.easy_setopt(h, CURLOPT_URL, url_.c_str()) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_ERRORBUFFER, error_) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                                static_cast<long>(timeouts_.connect.count())) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                                static_cast<long>(backstop.count())) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_XFERINFODATA, this) == CURLE_OK &&
              // Every reply, and which command it answers, through the debug callback: the
              // server's own words explain a failure; one refused recipient does not stop the
              // others (curl 7.69 spelt the option with three Ls).
              curl_.easy_setopt(h, CURLOPT_VERBOSE, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_DEBUGDATA, this) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_USE_SSL,
                                require_tls_ ? static_cast<long>(CURLUSESSL_ALL)
                                             : static_cast<long>(CURLUSESSL_NONE)) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_SSLVERSION,
                                static_cast<long>(CURL_SSLVERSION_TLSv1_2)) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
              curl_.easy_setopt(h, CURLOPT_READFUNCTION, read_message) == CURLE_OK;
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

  // Called about once a second while curl waits, and as data moves: gives up (curl then fails
  // with CURLE_ABORTED_BY_CALLBACK) on a server silent for longer than it may be, or when the
  // grace of interrupt() has run out.
  static int on_progress(void* user, curl_off_t /*download_total*/, curl_off_t download_now,
                         curl_off_t /*upload_total*/, curl_off_t upload_now) {
    auto* self = static_cast<SmtpTransport*>(user);
    Clock::time_point now = Clock::now();
    if (self->interrupted_ && now.time_since_epoch().count() >= self->interrupt_at_.load()) {
      self->stopped_ = true;
      return 1;
    }
    if (upload_now != self->last_upload_ || download_now != self->last_download_) {
      self->last_upload_ = upload_now;
      self->last_download_ = download_now;
      self->last_activity_ = now;
    }
    // RFC 5321 §4.5.3.2.6: the reply to the end of the message may take 10 minutes.
    bool final_reply = self->body_sent_ && self->stage_ == Stage::body;
    auto limit = final_reply ? self->timeouts_.final_reply : self->timeouts_.stall;
    if (now - self->last_activity_ > limit) {
      self->timed_out_ = true;
      return 1;
    }
    return 0;
  }

  // The dialogue: commands sent (only their verb is looked at: an AUTH line carries the
  // password) and the server's reply lines.
  static int on_debug(CURL* /*handle*/, curl_infotype type, char* data, size_t size, void* user) {
    auto* self = static_cast<SmtpTransport*>(user);
    self->last_activity_ = Clock::now();
    if (type != CURLINFO_HEADER_OUT && type != CURLINFO_HEADER_IN) {
      return 0;
    }
    std::string_view text(data, size);
    while (!text.empty()) {
      std::size_t end = text.find('\n');
      std::string_view line = text.substr(0, end);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
      while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
        line.remove_suffix(1);
      }
      if (type == CURLINFO_HEADER_OUT) {
        self->on_command(line);
      } else {
        self->on_reply_line(line);
      }
    }
    return 0;
  }

  void on_command(std::string_view line) {
    std::string verb = base::ascii_lower(line.substr(0, line.find(' ')));
    if (verb == "ehlo" || verb == "helo") {
      stage_ = Stage::hello;
    } else if (verb == "starttls") {
      stage_ = Stage::starttls;
    } else if (verb == "auth") {
      stage_ = Stage::auth;
    } else if (verb == "mail") {
      stage_ = Stage::mail;
    } else if (verb == "rcpt") {
      stage_ = Stage::rcpt;
      ++rcpt_sent_;
    } else if (verb == "data") {
      stage_ = Stage::data;
    } else if (verb == "quit") {
      stage_ = Stage::quit;
    } else if (verb == "rset" || verb == "noop") {
      stage_ = Stage::other;
    }
    // Anything else continues the command before it (an AUTH exchange).
  }

  void on_reply_line(std::string_view line) {
    if (partial_reply_.size() < kMaxReplyBytes) {
      if (!partial_reply_.empty()) {
        partial_reply_ += ' ';
      }
      partial_reply_ += line.substr(0, kMaxReplyBytes - partial_reply_.size());
    }
    if (line.size() >= 4 && line[3] == '-') {
      return;  // more lines of this reply follow
    }
    Reply reply{stage_, rcpt_sent_ > 0 ? rcpt_sent_ - 1 : 0, reply_code(partial_reply_),
                std::move(partial_reply_)};
    partial_reply_.clear();
    if (reply.stage == Stage::data && reply.code == 354) {
      stage_ = Stage::body;  // the next reply is the one to the end of the message
    }
    replies_.push_back(std::move(reply));
  }

  // The reply that made the exchange fail: the first refusal that is not a recipient's.
  const Reply* failing_reply() const {
    for (const Reply& reply : replies_) {
      if (reply.code >= 400 && reply.stage != Stage::rcpt && reply.stage != Stage::quit) {
        return &reply;
      }
    }
    return nullptr;
  }

  std::vector<RefusedRecipient> refused_recipients() const {
    std::vector<RefusedRecipient> refused;
    for (const Reply& reply : replies_) {
      if (reply.stage == Stage::rcpt && reply.code >= 400 && reply.recipient < recipients_.size()) {
        refused.push_back({recipients_[reply.recipient], reply.text});
      }
    }
    return refused;
  }

  // What curl said when the server said nothing (connection, TLS): its message for this
  // failure, e.g. "Failed to connect to mail.example.org port 587 after 3 ms: Connection refused".
  std::string curl_said(CURLcode code) const {
    return error_[0] != '\0' ? std::string(error_) : curl_.easy_strerror(code);
  }

  // A failure of the connection itself, in words: the system's reason where there is one
  // ("Connection refused"), rather than libcurl's label ("Couldn't connect to server").
  std::string connection_problem(CURLcode code) const {
    std::string why = os_error_ != 0 ? std::string(std::strerror(os_error_)) : std::string();
    switch (code) {
      case CURLE_COULDNT_RESOLVE_HOST:
        return "cannot find the mail server " + host_ +
               " (the name does not resolve; check transport.smtp.url and DNS)";
      case CURLE_COULDNT_CONNECT:
        return "cannot connect to " + host_ + (why.empty() ? "" : ": " + why);
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
        return "the connection to " + host_ + " broke" + (why.empty() ? "" : ": " + why);
      default:
        return "cannot deliver to " + host_ + ": " + curl_said(code);
    }
  }

  SendResult classify(CURLcode code) const {
    using Status = SendResult::Status;
    using Cause = SendResult::Cause;
    std::vector<RefusedRecipient> refused = refused_recipients();
    if (code == CURLE_OK) {
      std::string accepted = replies_.empty() ? std::string() : replies_.back().text;
      return {Status::delivered, Cause::none, accepted, false, std::move(refused)};
    }
    if (stopped_) {
      return {Status::transient,
              Cause::local,
              "the service stopped while the server had not yet answered for this message; it "
              "stays queued (if the server did take it, it may arrive twice, with the same "
              "Message-ID)",
              true,
              {}};
    }
    if (timed_out_ || code == CURLE_OPERATION_TIMEDOUT) {
      return timed_out(code);
    }
    if (std::optional<SendResult> tls = tls_failure(code)) {
      return *tls;
    }
    const Reply* failed = failing_reply();
    if (failed == nullptr) {
      return failed_without_reply(code, std::move(refused));
    }
    return refused_by_reply(*failed, std::move(refused));
  }

  // The server stopped answering, or libcurl's own timeout struck.
  SendResult timed_out(CURLcode code) const {
    using Status = SendResult::Status;
    using Cause = SendResult::Cause;
    if (stage_ == Stage::body && body_sent_) {
      return {Status::transient,
              Cause::timeout,
              host_ + " did not answer the end of the message within " +
                  duration_text(timeouts_.final_reply) +
                  "; it may have taken it, and then the retry arrives twice (with the same "
                  "Message-ID)",
              true,
              {}};
    }
    return {Status::transient,
            Cause::timeout,
            host_ + " stopped answering (nothing for " +
                duration_text(code == CURLE_OPERATION_TIMEDOUT && !timed_out_ ? timeouts_.connect
                                                                              : timeouts_.stall) +
                ")",
            true,
            {}};
  }

  // TLS failures, which no reply explains; nullopt for any other code.
  std::optional<SendResult> tls_failure(CURLcode code) const {
    using Status = SendResult::Status;
    using Cause = SendResult::Cause;
    switch (code) {
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return SendResult{
            Status::permanent,
            Cause::certificate,
            "TLS certificate verification failed for " + host_ + ": " + curl_said(code) +
                (ca_file_.empty() ? " (set ca_file to the CA that signed the server's "
                                    "certificate if it is not a public one)"
                                  : ""),
            true,
            {}};
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CRL_BADFILE:
        return SendResult{Status::permanent,
                          Cause::certificate,
                          "TLS certificate verification failed for " + host_ + ": cannot read " +
                              (ca_file_.empty() ? std::string("the system's CA certificates")
                                                : "the CA file " + ca_file_) +
                              ": " + curl_said(code),
                          true,
                          {}};
      case CURLE_USE_SSL_FAILED:
        return SendResult{
            Status::permanent,
            Cause::unreachable,
            "STARTTLS is required but " + host_ +
                " does not offer it (use smtps:// or a server with STARTTLS; plaintext is "
                "allowed only to a loopback host with allow_plaintext)",
            true,
            {}};
      default:
        break;
    }
    return std::nullopt;
  }

  // Failed with no SMTP reply to blame.
  SendResult failed_without_reply(CURLcode code, std::vector<RefusedRecipient> refused) const {
    using Status = SendResult::Status;
    using Cause = SendResult::Cause;
    if (!refused.empty() && refused.size() == recipients_.size()) {
      return every_recipient_refused(std::move(refused));
    }
    if (code == CURLE_LOGIN_DENIED) {
      return {Status::permanent,
              Cause::credentials,
              "SMTP authentication for user '" + username_ + "' at " + host_ +
                  " is not possible: " + curl_said(code),
              true,
              {}};
    }
    // No reply to blame: the connection (refused, name not found, TLS handshake, dropped).
    // The message may go through later.
    return {Status::transient, Cause::unreachable, connection_problem(code), true, {}};
  }

  // Failed on the reply `failed`: what it means depends on the stage it answered.
  SendResult refused_by_reply(const Reply& failed, std::vector<RefusedRecipient> refused) const {
    using Status = SendResult::Status;
    using Cause = SendResult::Cause;
    const std::string& said = failed.text;
    bool temporary = failed.code < 500;
    Status status = temporary ? Status::transient : Status::permanent;
    // 421: the server is closing the connection; the rest of the batch would meet it too.
    if (failed.code == 421) {
      return {Status::transient,
              Cause::server_busy,
              host_ + " is not taking mail now: " + said,
              true,
              {}};
    }
    switch (failed.stage) {
      case Stage::greeting:
      case Stage::hello:
      case Stage::starttls:
      case Stage::other:
        return {status,
                temporary ? Cause::server_busy : Cause::unreachable,
                host_ + " refused the connection: " + said,
                true,
                {}};
      case Stage::auth:
        if (temporary) {
          return {Status::transient,
                  Cause::credentials,
                  "SMTP authentication for user '" + username_ + "' at " + host_ +
                      " failed temporarily: " + said,
                  true,
                  {}};
        }
        return {Status::permanent,
                Cause::credentials,
                "SMTP authentication failed for user '" + username_ + "' at " + host_ +
                    " (check username and password): " + said,
                true,
                {}};
      case Stage::mail:
        if (failed.code == 530) {
          return {Status::permanent,
                  Cause::credentials,
                  host_ + " wants a login before it takes mail" +
                      (username_.empty() ? " (set transport.smtp.username and a password)" : "") +
                      ": " + said,
                  true,
                  {}};
        }
        if (temporary) {
          return {Status::transient,
                  Cause::server_busy,
                  host_ + " refused the sender address " + from_ + " for now: " + said,
                  true,
                  {}};
        }
        return {Status::permanent,
                Cause::sender_refused,
                host_ + " refused the sender address " + from_ + ": " + said,
                true,
                {}};
      case Stage::data:
      case Stage::body:
        return {status, temporary ? Cause::server_busy : Cause::message_refused,
                host_ + " refused the message" + (temporary ? " for now: " : ": ") + said, false,
                std::move(refused)};
      case Stage::rcpt:
      case Stage::quit:
        break;
    }
    return {status, Cause::server_busy, host_ + ": " + said, temporary, std::move(refused)};
  }

  // Permanent when every refusal is (5xx); a 4xx one may pass later.
  SendResult every_recipient_refused(std::vector<RefusedRecipient> refused) const {
    bool temporary = std::any_of(refused.begin(), refused.end(), [](const RefusedRecipient& r) {
      return !r.reply.empty() && r.reply[0] == '4';
    });
    std::string detail = host_ + " refused " +
                         (refused.size() == 1 ? std::string("the recipient") : "every recipient") +
                         ": ";
    for (std::size_t i = 0; i < refused.size(); ++i) {
      detail += (i > 0 ? "; " : "") + refused[i].address + ": " + refused[i].reply;
    }
    return {temporary ? SendResult::Status::transient : SendResult::Status::permanent,
            SendResult::Cause::recipients_refused, std::move(detail), false, std::move(refused)};
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
  SmtpTimeouts timeouts_;
  char error_[CURL_ERROR_SIZE] = {};
  // This send: its envelope, the dialogue so far, and the watchdog's view of it.
  std::string from_;
  std::vector<std::string> recipients_;
  std::vector<Reply> replies_;
  std::string partial_reply_;  // the lines of the reply being read
  Stage stage_ = Stage::greeting;
  std::size_t rcpt_sent_ = 0;
  bool body_sent_ = false;
  bool timed_out_ = false;
  bool stopped_ = false;
  int os_error_ = 0;  // errno of the last failed system call, from curl
  Clock::time_point last_activity_;
  curl_off_t last_upload_ = -1;
  curl_off_t last_download_ = -1;
  std::atomic<bool> interrupted_{false};
  std::atomic<Clock::rep> interrupt_at_{0};
  CurlEasy handle_;  // last: cleaned up (QUIT) while the buffers above still exist
};

}  // namespace

std::unique_ptr<Transport> make_smtp_transport(const plan::SmtpSettings& settings,
                                               std::string password, const SmtpTimeouts& timeouts,
                                               std::string& error) {
  const CurlLibrary* curl = curl_library(error);
  if (curl == nullptr) {
    return nullptr;
  }
  auto endpoint = parse_endpoint(*curl, settings.url, error);
  if (!endpoint) {
    return nullptr;
  }
  // The config loader refuses this at the key (plan::is_loopback_host); settings made by hand
  // get the same answer here.
  if (settings.allow_plaintext && endpoint->scheme == "smtp" &&
      !plan::is_loopback_host(endpoint->host)) {
    error =
        "transport.smtp.allow_plaintext is honoured only for a loopback host (localhost, "
        "127.0.0.0/8, ::1), not " +
        endpoint->host + ": remove it to use STARTTLS, or use smtps://";
    return nullptr;
  }
  return std::make_unique<SmtpTransport>(*curl, settings, *endpoint, std::move(password), timeouts);
}

}  // namespace plan_reminder::mail
