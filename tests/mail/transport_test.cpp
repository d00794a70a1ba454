// Tests of the transports: Maildir on a temporary folder; SMTP against a real server on loopback
// (tests/integration/smtp_sink.py on python3-aiosmtpd) with a self-signed certificate made for
// the run; rate limiting with an injected clock that records waits instead of sleeping.
#include "mail/transport.h"
#include "support/scoped_environment.h"
#include "support/temp_dir.h"

#include "base/file_descriptor.h"
#include "mail/smtp_relay.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace plan_reminder::mail {
namespace {

using base::FileDescriptor;

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const char* const kSinkScript = PR_SOURCE_DIR "/tests/integration/smtp_sink.py";
const char* const kPython = "/usr/bin/python3";

using plan_reminder::test_support::TempDir;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_file(const fs::path& path, const std::string& bytes, fs::perms mode) {
  std::ofstream(path, std::ios::binary) << bytes;
  fs::permissions(path, mode);
}

using plan_reminder::test_support::ScopedEnvironment;

// Starts a program with its standard output (and, when `quiet`, its errors) sent to
// /dev/null. Returns the child's pid, or -1.
pid_t spawn(const std::vector<std::string>& arguments, bool quiet) {
  std::vector<char*> argv;
  argv.reserve(arguments.size() + 1);
  for (const std::string& argument : arguments) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);
  FileDescriptor null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(null.get(), STDOUT_FILENO);
    if (quiet) {
      ::dup2(null.get(), STDERR_FILENO);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits up to `limit` for the child to end; returns its exit status, or -1 if it did not end.
int wait_for_exit(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (done < 0 || std::chrono::steady_clock::now() > deadline) {
      return -1;
    }
    std::this_thread::sleep_for(10ms);
  }
}

// A self-signed certificate for localhost and 127.0.0.1, which tests trust as their CA.
struct Certificate {
  fs::path cert;
  fs::path key;
};

Certificate make_certificate(const fs::path& folder) {
  Certificate made{folder / "cert.pem", folder / "key.pem"};
  pid_t pid =
      spawn({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", made.key.string(), "-out", made.cert.string()},
            true);
  if (pid < 0 || wait_for_exit(pid, 30s) != 0 || !fs::exists(made.cert)) {
    throw std::runtime_error("openssl could not make a test certificate");
  }
  return made;
}

struct SinkOptions {
  bool tls = false;  // offer STARTTLS (or, with smtps, TLS from the first byte)
  bool require_starttls = false;
  bool smtps = false;
  std::string auth_user = {};
  std::string auth_password = {};
  std::vector<std::string> reject_rcpt = {};
  int tempfail_first = 0;
  std::string refuse_sender = {};  // the reply to every MAIL FROM
  std::string refuse_data = {};    // the reply to the end of every message
  double delay_data = 0;           // seconds before the reply to the end of a message
  double delay_rcpt = 0;           // seconds before the reply to each RCPT TO
};

// What the sink stored for one message.
struct Received {
  nlohmann::json envelope;
  std::string bytes;
};

// tests/integration/smtp_sink.py, started on a free loopback port and stopped with SIGTERM.
class SmtpSink {
 public:
  SmtpSink(const fs::path& folder, const Certificate& certificate, const SinkOptions& options)
      : folder_(folder) {
    fs::create_directories(folder_ / "out");
    std::vector<std::string> arguments{
        kPython,  kSinkScript, "--dir",       (folder_ / "out").string(),
        "--port", "0",         "--port-file", (folder_ / "port").string()};
    if (options.tls) {
      arguments.insert(arguments.end(), {"--tls-cert", certificate.cert.string(), "--tls-key",
                                         certificate.key.string()});
    }
    if (options.require_starttls) {
      arguments.emplace_back("--require-starttls");
    }
    if (options.smtps) {
      arguments.emplace_back("--smtps");
    }
    if (!options.auth_user.empty()) {
      write_file(folder_ / "sink-password", options.auth_password + "\n",
                 fs::perms::owner_read | fs::perms::owner_write);
      arguments.insert(arguments.end(), {"--auth-user", options.auth_user, "--auth-password-file",
                                         (folder_ / "sink-password").string()});
    }
    for (const std::string& address : options.reject_rcpt) {
      arguments.insert(arguments.end(), {"--reject-rcpt", address});
    }
    if (options.tempfail_first > 0) {
      arguments.insert(arguments.end(),
                       {"--tempfail-first", std::to_string(options.tempfail_first)});
    }
    if (!options.refuse_sender.empty()) {
      arguments.insert(arguments.end(), {"--refuse-sender", options.refuse_sender});
    }
    if (!options.refuse_data.empty()) {
      arguments.insert(arguments.end(), {"--refuse-data", options.refuse_data});
    }
    if (options.delay_data > 0) {
      arguments.insert(arguments.end(), {"--delay-data", std::to_string(options.delay_data)});
    }
    if (options.delay_rcpt > 0) {
      arguments.insert(arguments.end(), {"--delay-rcpt", std::to_string(options.delay_rcpt)});
    }
    pid_ = spawn(arguments, false);
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;
  ~SmtpSink() {
    if (pid_ > 0) {
      stop();
    }
  }

  // Waits (at most 10 s, polling) for the sink to write its port; 0 if it did not.
  int wait_until_listening() {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (fs::exists(folder_ / "port")) {
        return port_ = std::stoi(read_file(folder_ / "port"));
      }
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return 0;
      }
      std::this_thread::sleep_for(20ms);
    }
    return 0;
  }

  std::string url(const std::string& scheme = "smtp", const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(port_);
  }

  // Every message stored so far, in order.
  std::vector<Received> received() const {
    std::vector<Received> all;
    for (int n = 1;; ++n) {
      fs::path json = folder_ / "out" / (std::to_string(n) + ".json");
      if (!fs::exists(json)) {
        return all;
      }
      all.push_back({nlohmann::json::parse(read_file(json)),
                     read_file(folder_ / "out" / (std::to_string(n) + ".eml"))});
    }
  }

  // SIGTERM, then its exit status (0: it stopped cleanly).
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = wait_for_exit(pid_, 5s);
    if (status < 0) {
      ::kill(pid_, SIGKILL);
      wait_for_exit(pid_, 5s);
    }
    pid_ = -1;
    return status;
  }

 private:
  fs::path folder_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string message(const std::string& to, const std::string& subject) {
  return "From: DHR coordinator <dhr-actions@partnership.example.org>\r\n"
         "To: " +
         to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject +
         "@partnership.example.org>\r\n"
         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
         "Action 1.1: research scoping document due 31 March 2020.\r\n"
         ".A line that starts with a dot.\r\n";
}

const std::string kFrom = "dhr-actions@partnership.example.org";

plan::Transport smtp_settings(const std::string& url) {
  plan::Transport settings;
  settings.kind = plan::Transport::Kind::smtp;
  settings.smtp.url = url;
  return settings;
}

plan::Transport maildir_settings(const fs::path& folder) {
  plan::Transport settings;
  settings.kind = plan::Transport::Kind::maildir;
  settings.maildir = folder.string();
  return settings;
}

std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    files.push_back(entry.path());
  }
  return files;
}

// --- Maildir ---

// Tests that a Maildir delivery creates tmp/, new/ and cur/ (mode 0700, parents too) and
// leaves exactly one file, in new/, holding the message's bytes.
TEST(MaildirTransportTest, DeliversOneFileIntoNew) {
  TempDir temporary{"transport-test"};
  fs::path folder = temporary.path() / "var" / "Maildir";
  std::string error;
  auto transport = make_transport(maildir_settings(folder), error);
  ASSERT_TRUE(transport) << error;
  EXPECT_EQ(transport->describe(), "maildir " + folder.string());

  std::string bytes = message("dhr-lead@wwin.example.org", "reminder");
  SendResult result = transport->send(kFrom, {"dhr-lead@wwin.example.org"}, bytes);

  ASSERT_TRUE(result.delivered()) << result.detail;
  for (const char* sub : {"tmp", "new", "cur"}) {
    EXPECT_EQ(fs::status(folder / sub).permissions() & fs::perms::all, fs::perms::owner_all) << sub;
  }
  EXPECT_TRUE(files_in(folder / "tmp").empty());
  EXPECT_TRUE(files_in(folder / "cur").empty());
  auto delivered = files_in(folder / "new");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(read_file(delivered[0]), bytes);
  EXPECT_NE(delivered[0].filename().string().find(".M"), std::string::npos);
}

// Tests that two messages get two distinct files.
TEST(MaildirTransportTest, EachMessageGetsItsOwnFile) {
  TempDir temporary{"transport-test"};
  std::string error;
  auto transport = make_transport(maildir_settings(temporary.path()), error);
  ASSERT_TRUE(transport) << error;
  ASSERT_TRUE(
      transport->send(kFrom, {"a@example.org"}, message("a@example.org", "one")).delivered());
  ASSERT_TRUE(
      transport->send(kFrom, {"a@example.org"}, message("a@example.org", "two")).delivered());
  EXPECT_EQ(files_in(temporary.path() / "new").size(), 2u);
}

// Tests that a Maildir path that is a file is a permanent failure naming the path.
TEST(MaildirTransportTest, PathThatIsNotADirectoryIsPermanent) {
  TempDir temporary{"transport-test"};
  fs::path file = temporary.path() / "Maildir";
  write_file(file, "not a folder", fs::perms::owner_read | fs::perms::owner_write);
  std::string error;
  auto transport = make_transport(maildir_settings(file), error);
  ASSERT_TRUE(transport) << error;

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::permanent);
  EXPECT_NE(result.detail.find(file.string()), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("not a directory"), std::string::npos) << result.detail;
}

// Tests that an OS error other than "not a directory" (here: the folder cannot be created under
// /proc) is transient, with the OS's reason.
TEST(MaildirTransportTest, OtherOsErrorsAreTransient) {
  std::string error;
  auto transport = make_transport(maildir_settings("/proc/plan-reminder-test/Maildir"), error);
  ASSERT_TRUE(transport) << error;

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::transient) << result.detail;
  EXPECT_NE(result.detail.find("cannot create"), std::string::npos) << result.detail;
}

// --- SMTP ---

class SmtpTransportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificates_ = new TempDir("transport-test");
    certificate_ = make_certificate(certificates_->path());
  }
  static void TearDownTestSuite() {
    delete certificates_;
    certificates_ = nullptr;
  }

  void TearDown() override {
    if (sink_) {
      EXPECT_EQ(sink_->stop(), 0) << "the sink did not exit cleanly on SIGTERM";
      sink_.reset();
    }
  }

  // Starts the sink and returns it once it listens.
  SmtpSink& start_sink(const SinkOptions& options) {
    sink_ = std::make_unique<SmtpSink>(work_.path(), certificate_, options);
    EXPECT_NE(sink_->wait_until_listening(), 0) << "the SMTP sink did not start";
    return *sink_;
  }

  // A password file with mode 0600 and a trailing newline, as `echo secret > file` makes.
  std::string password_file(const std::string& password) {
    fs::path file = work_.path() / "smtp-password";
    write_file(file, password + "\n", fs::perms::owner_read | fs::perms::owner_write);
    return file.string();
  }

  std::unique_ptr<Transport> make(const plan::Transport& settings, Pacing pacing = {},
                                  const SmtpTimeouts& timeouts = {}) {
    std::string error;
    auto transport = make_transport(settings, error, std::move(pacing), timeouts);
    EXPECT_TRUE(transport) << error;
    return transport;
  }

  static inline TempDir* certificates_ = nullptr;
  static inline Certificate certificate_;
  TempDir work_{"transport-test"};
  std::unique_ptr<SmtpSink> sink_;
};

const std::string kUser = "dhr-reminders";
const std::string kPassword = "correct horse battery staple";

// Tests that STARTTLS, AUTH and the test CA deliver three messages over one connection, each
// with its own envelope and the bytes as sent.
TEST_F(SmtpTransportTest, StartTlsAuthDeliversBatchOverOneConnection) {
  SmtpSink& sink = start_sink(
      {.tls = true, .require_starttls = true, .auth_user = kUser, .auth_password = kPassword});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.username = kUser;
  settings.smtp.password_file = password_file(kPassword);
  settings.smtp.ca_file = certificate_.cert.string();
  auto transport = make(settings);
  ASSERT_TRUE(transport);
  EXPECT_EQ(transport->describe(), "smtp " + sink.url());

  std::vector<std::vector<std::string>> recipients{
      {"dhr-lead@wwin.example.org"},
      {"chair@partnership.example.org", "dhr-coordinator@council.example.org"},
      {"partnership-board@partnership.example.org"}};
  std::vector<std::string> sent;
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    sent.push_back(message(recipients[i][0], "notice-" + std::to_string(i)));
    SendResult result = transport->send(kFrom, recipients[i], sent.back());
    ASSERT_TRUE(result.delivered()) << result.detail;
    EXPECT_NE(result.detail.find("250"), std::string::npos) << result.detail;
  }
  transport->close();

  auto received = sink.received();
  ASSERT_EQ(received.size(), 3u);
  for (std::size_t i = 0; i < received.size(); ++i) {
    const auto& envelope = received[i].envelope;
    EXPECT_EQ(envelope["mail_from"], kFrom);
    EXPECT_EQ(envelope["rcpt_tos"].get<std::vector<std::string>>(), recipients[i]);
    EXPECT_EQ(envelope["auth_user"], kUser);
    EXPECT_EQ(envelope["tls"], true);
    EXPECT_EQ(envelope["connection"], received[0].envelope["connection"]) << "message " << i;
    EXPECT_EQ(received[i].bytes, sent[i]);
  }
}

// Tests that close() ends the connection: the next message opens a new one.
TEST_F(SmtpTransportTest, CloseEndsTheConnection) {
  SmtpSink& sink = start_sink({.tls = true, .require_starttls = true});
  plan::Transport settings = smtp_settings(sink.url("smtp", "localhost"));
  settings.smtp.ca_file = certificate_.cert.string();
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  ASSERT_TRUE(transport->send(kFrom, {"a@example.org"}, message("a@example.org", "1")).delivered());
  transport->close();
  ASSERT_TRUE(transport->send(kFrom, {"a@example.org"}, message("a@example.org", "2")).delivered());

  auto received = sink.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_NE(received[0].envelope["connection"], received[1].envelope["connection"]);
}

// Tests that smtps:// speaks TLS from the first byte, verified against the CA file.
TEST_F(SmtpTransportTest, ImplicitTlsDelivers) {
  SmtpSink& sink =
      start_sink({.tls = true, .smtps = true, .auth_user = kUser, .auth_password = kPassword});
  plan::Transport settings = smtp_settings(sink.url("smtps"));
  settings.smtp.username = kUser;
  settings.smtp.password_file = password_file(kPassword);
  settings.smtp.ca_file = certificate_.cert.string();
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  ASSERT_TRUE(result.delivered()) << result.detail;
  ASSERT_EQ(sink.received().size(), 1u);
  EXPECT_EQ(sink.received()[0].envelope["auth_user"], kUser);
}

// Tests that a wrong password is a permanent failure that says authentication failed and quotes
// neither the password sent nor the right one.
TEST_F(SmtpTransportTest, WrongPasswordIsPermanentAndNeverQuoted) {
  SmtpSink& sink = start_sink(
      {.tls = true, .require_starttls = true, .auth_user = kUser, .auth_password = kPassword});
  const std::string wrong = "Tr0ub4dor&3-wrong";
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.username = kUser;
  settings.smtp.password_file = password_file(wrong);
  settings.smtp.ca_file = certificate_.cert.string();
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::permanent);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_EQ(result.cause, SendResult::Cause::credentials);
  EXPECT_NE(result.detail.find("SMTP authentication failed"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("535"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find(kUser), std::string::npos) << result.detail;
  EXPECT_EQ(result.detail.find(wrong), std::string::npos) << result.detail;
  EXPECT_EQ(result.detail.find(kPassword), std::string::npos) << result.detail;
  EXPECT_TRUE(sink.received().empty());
}

// Tests that a server certificate signed by no trusted CA (no ca_file) is refused, with a
// detail about the certificate, and nothing is sent.
TEST_F(SmtpTransportTest, UntrustedCertificateIsRefused) {
  SmtpSink& sink = start_sink({.tls = true, .require_starttls = true});
  auto transport = make(smtp_settings(sink.url()));
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::permanent);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_EQ(result.cause, SendResult::Cause::certificate);
  EXPECT_NE(result.detail.find("TLS certificate verification failed for 127.0.0.1"),
            std::string::npos)
      << result.detail;
  EXPECT_TRUE(sink.received().empty());
}

// Tests that smtp:// to a server that does not offer STARTTLS is refused rather than sent in
// plaintext.
TEST_F(SmtpTransportTest, ServerWithoutStartTlsIsRefused) {
  SmtpSink& sink = start_sink({});
  auto transport = make(smtp_settings(sink.url()));
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::permanent);
  EXPECT_NE(result.detail.find("STARTTLS is required"), std::string::npos) << result.detail;
  EXPECT_TRUE(sink.received().empty());
}

// Tests that allow_plaintext to a loopback host delivers without TLS.
TEST_F(SmtpTransportTest, AllowPlaintextToLoopbackDelivers) {
  SmtpSink& sink = start_sink({});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  ASSERT_TRUE(result.delivered()) << result.detail;
  ASSERT_EQ(sink.received().size(), 1u);
  EXPECT_EQ(sink.received()[0].envelope["tls"], false);
}

// Tests that a refused connection (nothing listening) is transient and stops the batch.
TEST_F(SmtpTransportTest, ConnectionRefusedIsTransient) {
  // A bound socket that never listens: connecting to its port is refused.
  FileDescriptor socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  plan::Transport settings =
      smtp_settings("smtp://127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
  settings.smtp.username = kUser;
  settings.smtp.password_file = password_file(kPassword);
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::transient);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_EQ(result.cause, SendResult::Cause::unreachable);
  EXPECT_NE(result.detail.find("127.0.0.1"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("Connection refused"), std::string::npos) << result.detail;
  EXPECT_EQ(result.detail.find("Couldn't connect"), std::string::npos) << result.detail;
  EXPECT_EQ(result.detail.find(kPassword), std::string::npos) << result.detail;
}

// Tests that a recipient the server rejects (550) fails that message permanently, naming the
// address, and the next message to another recipient is still delivered.
TEST_F(SmtpTransportTest, RejectedRecipientIsPermanentAndNextIsDelivered) {
  SmtpSink& sink = start_sink({.reject_rcpt = {"gone@wwin.example.org"}});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult rejected = transport->send(kFrom, {"gone@wwin.example.org"},
                                        message("gone@wwin.example.org", "rejected"));
  SendResult next = transport->send(kFrom, {"dhr-lead@wwin.example.org"},
                                    message("dhr-lead@wwin.example.org", "next"));

  EXPECT_EQ(rejected.status, SendResult::Status::permanent);
  EXPECT_FALSE(rejected.stop_batch);
  EXPECT_NE(rejected.detail.find("550"), std::string::npos) << rejected.detail;
  EXPECT_NE(rejected.detail.find("gone@wwin.example.org"), std::string::npos) << rejected.detail;
  ASSERT_TRUE(next.delivered()) << next.detail;
  auto received = sink.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].envelope["rcpt_tos"][0], "dhr-lead@wwin.example.org");
}

// Tests that a temporary failure (451) is transient and the next attempt is delivered.
TEST_F(SmtpTransportTest, TemporaryFailureIsTransientThenDelivered) {
  SmtpSink& sink = start_sink({.tempfail_first = 1});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);
  std::string bytes = message("a@example.org", "retried");

  SendResult first = transport->send(kFrom, {"a@example.org"}, bytes);
  SendResult second = transport->send(kFrom, {"a@example.org"}, bytes);

  EXPECT_EQ(first.status, SendResult::Status::transient);
  EXPECT_NE(first.detail.find("451"), std::string::npos) << first.detail;
  ASSERT_TRUE(second.delivered()) << second.detail;
  ASSERT_EQ(sink.received().size(), 1u);
  EXPECT_EQ(sink.received()[0].bytes, bytes);
}

// Tests that with a rate limit of 2 per minute the third send first waits until a minute after
// the first (recorded by an injected clock, not slept), and the fourth until a minute after the
// second: a sliding window.
TEST_F(SmtpTransportTest, RateLimitWaitsBeforeExceedingIt) {
  SmtpSink& sink = start_sink({});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  settings.smtp.rate_limit = plan::RateLimit{2, std::chrono::minutes(1)};
  auto clock = std::make_shared<std::chrono::steady_clock::time_point>();
  auto waits = std::make_shared<std::vector<std::chrono::steady_clock::duration>>();
  Pacing pacing{[clock] { return *clock; },
                [clock, waits](std::chrono::steady_clock::duration delay) {
                  waits->push_back(delay);
                  *clock += delay;
                }};
  auto transport = make(settings, pacing);
  ASSERT_TRUE(transport);
  auto send = [&] {
    return transport->send(kFrom, {"a@example.org"}, message("a@example.org", "paced")).delivered();
  };

  ASSERT_TRUE(send());
  *clock += 10s;
  ASSERT_TRUE(send());
  EXPECT_TRUE(waits->empty());
  ASSERT_TRUE(send());
  ASSERT_EQ(waits->size(), 1u);
  EXPECT_EQ((*waits)[0], std::chrono::steady_clock::duration(50s));  // until 60 s after the first
  ASSERT_TRUE(send());
  ASSERT_EQ(waits->size(), 2u);
  EXPECT_EQ((*waits)[1], std::chrono::steady_clock::duration(10s));  // 60 s after the second
  EXPECT_EQ(sink.received().size(), 4u);
}

// Tests that the password can come from a systemd credential under $CREDENTIALS_DIRECTORY.
TEST_F(SmtpTransportTest, PasswordFromCredentialsDirectory) {
  SmtpSink& sink = start_sink(
      {.tls = true, .require_starttls = true, .auth_user = kUser, .auth_password = kPassword});
  fs::path credentials = work_.path() / "credentials";
  fs::create_directory(credentials);
  write_file(credentials / "smtp-password", kPassword, fs::perms::owner_read);
  ScopedEnvironment environment("CREDENTIALS_DIRECTORY", credentials.string());
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.username = kUser;
  settings.smtp.credential = "smtp-password";
  settings.smtp.ca_file = certificate_.cert.string();
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  ASSERT_TRUE(result.delivered()) << result.detail;
  ASSERT_EQ(sink.received().size(), 1u);
  EXPECT_EQ(sink.received()[0].envelope["auth_user"], kUser);
}

// libcurl's own labels for what went wrong, which say nothing to a coordinator.
bool has_libcurl_label(const std::string& detail) {
  for (const char* label : {"Weird server reply", "Failed sending data", "Failure when receiving",
                            "RCPT failed", "Login denied", "Timeout was reached"}) {
    if (detail.find(label) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Tests that a message the server refuses after DATA is permanent, for this message only, and
// that the detail gives the server's own reply, not libcurl's label for it.
TEST_F(SmtpTransportTest, RefusedMessageShowsTheServersReply) {
  SmtpSink& sink = start_sink({.refuse_data = "554 5.7.1 Message content rejected by policy"});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::permanent);
  EXPECT_EQ(result.cause, SendResult::Cause::message_refused);
  EXPECT_FALSE(result.stop_batch);
  EXPECT_NE(result.detail.find("554 5.7.1 Message content rejected by policy"), std::string::npos)
      << result.detail;
  EXPECT_FALSE(has_libcurl_label(result.detail)) << result.detail;
  EXPECT_TRUE(sink.received().empty());
}

// Tests that a refusal of the sender (MAIL FROM) is a settings problem: the batch stops (the
// messages stay queued), the cause says so and the detail quotes the server.
TEST_F(SmtpTransportTest, RefusedSenderStopsTheBatch) {
  SmtpSink& sink = start_sink({.refuse_sender = "550 5.7.1 Relaying denied"});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_FALSE(result.delivered());
  EXPECT_TRUE(result.stop_batch);
  EXPECT_EQ(result.cause, SendResult::Cause::sender_refused);
  EXPECT_NE(result.detail.find("550 5.7.1 Relaying denied"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find(kFrom), std::string::npos) << result.detail;
  EXPECT_FALSE(has_libcurl_label(result.detail)) << result.detail;
  EXPECT_FALSE(advice_for(result.cause).empty());
  EXPECT_TRUE(sink.received().empty());
}

// Tests that a server which wants a login before MAIL FROM (530) is a credentials problem that
// stops the batch.
TEST_F(SmtpTransportTest, AuthenticationRequiredIsACredentialsProblem) {
  SmtpSink& sink = start_sink({.auth_user = kUser, .auth_password = kPassword});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_FALSE(result.delivered());
  EXPECT_TRUE(result.stop_batch);
  EXPECT_EQ(result.cause, SendResult::Cause::credentials);
  EXPECT_NE(result.detail.find("530"), std::string::npos) << result.detail;
  EXPECT_FALSE(has_libcurl_label(result.detail)) << result.detail;
  EXPECT_TRUE(sink.received().empty());
}

// Tests that one refused recipient does not sink the message: the others get it, and the
// refused one is reported with the server's reply.
TEST_F(SmtpTransportTest, RefusedCcStillDeliversToTheOthers) {
  SmtpSink& sink = start_sink({.reject_rcpt = {"gone@council.example.org"}});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);
  std::vector<std::string> recipients{"dhr-lead@wwin.example.org", "gone@council.example.org",
                                      "chair@partnership.example.org"};

  SendResult result =
      transport->send(kFrom, recipients, message("dhr-lead@wwin.example.org", "cc"));

  ASSERT_TRUE(result.delivered()) << result.detail;
  ASSERT_EQ(result.refused.size(), 1u);
  EXPECT_EQ(result.refused[0].address, "gone@council.example.org");
  EXPECT_NE(result.refused[0].reply.find("550 5.1.1"), std::string::npos)
      << result.refused[0].reply;
  auto received = sink.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(
      received[0].envelope["rcpt_tos"].get<std::vector<std::string>>(),
      (std::vector<std::string>{"dhr-lead@wwin.example.org", "chair@partnership.example.org"}));
}

// Tests that when every recipient is refused the message fails permanently, with each refusal.
TEST_F(SmtpTransportTest, EveryRecipientRefusedIsPermanent) {
  SmtpSink& sink = start_sink({.reject_rcpt = {"a@example.org", "b@example.org"}});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);

  SendResult result =
      transport->send(kFrom, {"a@example.org", "b@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::permanent);
  EXPECT_EQ(result.cause, SendResult::Cause::recipients_refused);
  EXPECT_FALSE(result.stop_batch);
  ASSERT_EQ(result.refused.size(), 2u);
  EXPECT_EQ(result.refused[1].address, "b@example.org");
  EXPECT_NE(result.refused[1].reply.find("550"), std::string::npos) << result.refused[1].reply;
  EXPECT_FALSE(has_libcurl_label(result.detail)) << result.detail;
  EXPECT_TRUE(sink.received().empty());
}

// Tests that a reply to the end of the message that comes later than the stall window (here
// 1 s, the server answering after 8 s) is still awaited: one copy, delivered. Giving up made
// a duplicate at every retry.
TEST_F(SmtpTransportTest, SlowReplyToTheEndOfTheMessageIsAwaited) {
  SmtpSink& sink = start_sink({.tls = true,
                               .require_starttls = true,
                               .auth_user = kUser,
                               .auth_password = kPassword,
                               .delay_data = 8});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.username = kUser;
  settings.smtp.password_file = password_file(kPassword);
  settings.smtp.ca_file = certificate_.cert.string();
  auto transport = make(settings, {}, {.connect = 10s, .stall = 1s, .final_reply = 20s});
  ASSERT_TRUE(transport);
  // Larger than curl's upload buffer, as a digest can be: curl then knows the end of the
  // message by its size, not by a last read.
  std::string bytes = message("a@example.org", "large");
  for (int line = 0; line < 300; ++line) {
    bytes += "Action 1.1: research scoping document due 31 March 2020; still open.\r\n";
  }

  SendResult result = transport->send(kFrom, {"a@example.org"}, bytes);

  ASSERT_TRUE(result.delivered()) << result.detail;
  ASSERT_EQ(sink.received().size(), 1u);
  EXPECT_EQ(sink.received()[0].bytes, bytes);
}

// Tests that no reply to the end of the message within its limit is a transient timeout that
// stops the batch, and says the server may have taken the message.
TEST_F(SmtpTransportTest, NoReplyToTheEndOfTheMessageIsATimeout) {
  SmtpSink& sink = start_sink({.delay_data = 4});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings, {}, {.connect = 10s, .stall = 1s, .final_reply = 1s});
  ASSERT_TRUE(transport);

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_EQ(result.status, SendResult::Status::transient);
  EXPECT_EQ(result.cause, SendResult::Cause::timeout);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_FALSE(has_libcurl_label(result.detail)) << result.detail;
}

// Tests that a server that stops answering a command (RCPT TO) is given up on after the stall
// window, as a transient timeout that stops the batch.
TEST_F(SmtpTransportTest, StalledServerIsGivenUp) {
  SmtpSink& sink = start_sink({.delay_rcpt = 4});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings, {}, {.connect = 10s, .stall = 1s, .final_reply = 20s});
  ASSERT_TRUE(transport);
  auto start = std::chrono::steady_clock::now();

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));

  EXPECT_LT(std::chrono::steady_clock::now() - start, 3500ms);
  EXPECT_EQ(result.status, SendResult::Status::transient);
  EXPECT_EQ(result.cause, SendResult::Cause::timeout);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_TRUE(sink.received().empty());
}

// Tests that interrupt() from another thread ends a send that waits for the reply to the end
// of the message once its grace is over (the daemon's stop), and that later sends are not
// attempted.
TEST_F(SmtpTransportTest, InterruptEndsTheSendWithinTheGrace) {
  SmtpSink& sink = start_sink({.delay_data = 30});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make(settings);
  ASSERT_TRUE(transport);
  std::thread stopper([&] {
    auto give_up = std::chrono::steady_clock::now() + 20s;
    while (sink.received().empty() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(20ms);
    }
    transport->interrupt(500ms);
  });
  auto start = std::chrono::steady_clock::now();

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));
  auto took = std::chrono::steady_clock::now() - start;
  stopper.join();
  SendResult after = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "y"));
  auto closing = std::chrono::steady_clock::now();
  transport->close();  // no QUIT to wait on: the server is still holding the message

  EXPECT_LT(took, 15s);
  EXPECT_LT(std::chrono::steady_clock::now() - closing, 5s);
  EXPECT_EQ(result.status, SendResult::Status::transient);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_FALSE(after.delivered());
  EXPECT_TRUE(after.stop_batch);
  EXPECT_EQ(sink.received().size(), 1u);
}

// --- The daemon's relay process (plan-reminder smtp-relay) ---

class SmtpRelayTest : public SmtpTransportTest {
 protected:
  std::unique_ptr<Transport> make_relay(const plan::Transport& settings) {
    std::string error;
    auto transport = make_smtp_relay_transport(settings.smtp, "", PR_BINARY, error);
    EXPECT_TRUE(transport) << error;
    return transport;
  }
};

// Tests that the relay hands back the cause and each refused recipient with its reply.
TEST_F(SmtpRelayTest, CarriesCauseAndRefusedRecipients) {
  SmtpSink& sink = start_sink({.reject_rcpt = {"gone@council.example.org"}});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make_relay(settings);
  ASSERT_TRUE(transport);

  SendResult partly = transport->send(kFrom, {"a@example.org", "gone@council.example.org"},
                                      message("a@example.org", "partly"));
  SendResult none = transport->send(kFrom, {"gone@council.example.org"},
                                    message("gone@council.example.org", "none"));
  transport->close();

  ASSERT_TRUE(partly.delivered()) << partly.detail;
  ASSERT_EQ(partly.refused.size(), 1u);
  EXPECT_EQ(partly.refused[0].address, "gone@council.example.org");
  EXPECT_NE(partly.refused[0].reply.find("550 5.1.1"), std::string::npos);
  EXPECT_EQ(none.status, SendResult::Status::permanent);
  EXPECT_EQ(none.cause, SendResult::Cause::recipients_refused);
  ASSERT_EQ(none.refused.size(), 1u);
  EXPECT_EQ(sink.received().size(), 1u);
}

// Tests that settings problems come back through the relay as such: a wrong password is
// cause credentials and stops the batch.
TEST_F(SmtpRelayTest, CarriesSettingsProblems) {
  SmtpSink& sink = start_sink({.auth_user = kUser, .auth_password = kPassword});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  settings.smtp.username = kUser;
  std::string error;
  auto transport = make_smtp_relay_transport(settings.smtp, "Tr0ub4dor&3-wrong", PR_BINARY, error);
  ASSERT_TRUE(transport) << error;

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));
  transport->close();

  EXPECT_EQ(result.status, SendResult::Status::permanent);
  EXPECT_EQ(result.cause, SendResult::Cause::credentials);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_NE(result.detail.find("535"), std::string::npos) << result.detail;
  EXPECT_TRUE(sink.received().empty());
}

// Tests that a stop (interrupt) while the server has not answered the end of a message ends
// the send within the grace, not when the server answers: the relay is killed, the message
// stays queued (transient, batch stopped), and a send after it is not attempted.
TEST_F(SmtpRelayTest, InterruptEndsTheSendWithinTheGrace) {
  SmtpSink& sink = start_sink({.delay_data = 30});
  plan::Transport settings = smtp_settings(sink.url());
  settings.smtp.allow_plaintext = true;
  auto transport = make_relay(settings);
  ASSERT_TRUE(transport);
  std::thread stopper([&] {
    // Once the server holds the message and has not answered yet.
    auto give_up = std::chrono::steady_clock::now() + 20s;
    while (sink.received().empty() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(20ms);
    }
    transport->interrupt(500ms);
  });
  auto start = std::chrono::steady_clock::now();

  SendResult result = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "x"));
  auto took = std::chrono::steady_clock::now() - start;
  stopper.join();
  SendResult after = transport->send(kFrom, {"a@example.org"}, message("a@example.org", "y"));
  transport->close();

  EXPECT_LT(took, 15s);
  EXPECT_EQ(result.status, SendResult::Status::transient);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_FALSE(after.delivered());
  EXPECT_TRUE(after.stop_batch);
  EXPECT_EQ(sink.received().size(), 1u);
}

// --- Configuration checks in make_transport ---

// Tests that allow_plaintext for a host that is not loopback is refused.
TEST(TransportSettingsTest, PlaintextToRemoteHostIsRefused) {
  for (const char* url : {"smtp://mail.example.org:587", "smtp://10.0.0.1:25"}) {
    plan::Transport settings = smtp_settings(url);
    settings.smtp.allow_plaintext = true;
    std::string error;
    EXPECT_FALSE(make_transport(settings, error)) << url;
    EXPECT_NE(error.find("allow_plaintext is honoured only for a loopback host"), std::string::npos)
        << error;
  }
  for (const char* url : {"smtp://localhost:25", "smtp://127.0.0.2:25", "smtp://[::1]:25"}) {
    plan::Transport settings = smtp_settings(url);
    settings.smtp.allow_plaintext = true;
    std::string error;
    EXPECT_TRUE(make_transport(settings, error)) << url << ": " << error;
  }
}

// Tests that credentials in the URL are refused (the URL is logged).
TEST(TransportSettingsTest, CredentialsInUrlAreRefused) {
  std::string error;
  EXPECT_FALSE(make_transport(smtp_settings("smtp://user:hunter22@mail.example.org:587"), error));
  EXPECT_NE(error.find("must not contain credentials"), std::string::npos) << error;
  EXPECT_EQ(error.find("hunter22"), std::string::npos) << error;
}

// Tests that a credential without $CREDENTIALS_DIRECTORY, or missing from it, is an error.
TEST(TransportSettingsTest, CredentialNeedsCredentialsDirectory) {
  plan::Transport settings = smtp_settings("smtp://mail.example.org:587");
  settings.smtp.username = kUser;
  settings.smtp.credential = "smtp-password";
  {
    ScopedEnvironment environment("CREDENTIALS_DIRECTORY", "");
    std::string error;
    EXPECT_FALSE(make_transport(settings, error));
    EXPECT_NE(error.find("$CREDENTIALS_DIRECTORY"), std::string::npos) << error;
  }
  TempDir empty{"transport-test"};
  ScopedEnvironment environment("CREDENTIALS_DIRECTORY", empty.path().string());
  std::string error;
  EXPECT_FALSE(make_transport(settings, error));
  EXPECT_NE(error.find((empty.path() / "smtp-password").string()), std::string::npos) << error;
}

// Tests that a password file every user can read is refused with the fix, without quoting the
// password; a group-readable one (root:service 0640) is accepted.
TEST(TransportSettingsTest, WorldReadablePasswordFileIsRefused) {
  TempDir temporary{"transport-test"};
  fs::path file = temporary.path() / "smtp-password";
  write_file(file, kPassword + "\n",
             fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                 fs::perms::others_read);
  plan::Transport settings = smtp_settings("smtp://mail.example.org:587");
  settings.smtp.username = kUser;
  settings.smtp.password_file = file.string();
  std::string error;

  EXPECT_FALSE(make_transport(settings, error));
  EXPECT_NE(error.find("chmod 600 " + file.string()), std::string::npos) << error;
  EXPECT_EQ(error.find(kPassword), std::string::npos) << error;

  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_TRUE(make_transport(settings, error)) << error;
}

// Tests that a password file that is missing, empty or not a regular file is an error.
TEST(TransportSettingsTest, UnusablePasswordFilesAreErrors) {
  TempDir temporary{"transport-test"};
  plan::Transport settings = smtp_settings("smtp://mail.example.org:587");
  settings.smtp.username = kUser;
  std::string error;

  settings.smtp.password_file = (temporary.path() / "missing").string();
  EXPECT_FALSE(make_transport(settings, error));
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;

  write_file(temporary.path() / "empty", "\n", fs::perms::owner_read);
  settings.smtp.password_file = (temporary.path() / "empty").string();
  EXPECT_FALSE(make_transport(settings, error));
  EXPECT_NE(error.find("is empty"), std::string::npos) << error;

  settings.smtp.password_file = temporary.path().string();
  EXPECT_FALSE(make_transport(settings, error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

}  // namespace
}  // namespace plan_reminder::mail
