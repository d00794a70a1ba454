// libpq held the RAII way (see connection.h).
#include "store/postgresql/connection.h"

#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <utility>

namespace plan_reminder::store::postgresql {
namespace {

// libpq's message without its trailing line break.
std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

PostgresError error_of(PGconn* connection, const PGresult* result, const std::string& ended) {
  std::string message = trimmed(result == nullptr ? pq().error_message(connection)
                                                  : pq().result_error_message(result));
  if (pq().status(connection) == CONNECTION_BAD) {
    // "server closed the connection unexpectedly", without libpq's two lines of guessing why
    // (one log line an event), after the server's reason when it gave one.
    message = message.substr(0, message.find('\n'));
    if (!ended.empty()) {
      message = ended + ": " + message;
    }
  }
  const char* state =
      result == nullptr ? nullptr : pq().result_error_field(result, PG_DIAG_SQLSTATE);
  return PostgresError(message, state != nullptr ? state : "");
}

// libpq's notice processor. Notices of our own statements ("... already exists, skipping") are
// of no use to a reader of the log; what the server says as it ends the session is kept, as one
// line without its severity ("FATAL:  terminating connection due to ..."), for the next error.
void keep_server_farewell(void* ended, const char* message) {
  std::string_view text(message != nullptr ? message : "");
  for (const std::string_view severity : {"FATAL:", "PANIC:", "ERROR:"}) {
    if (text.substr(0, severity.size()) == severity) {
      text.remove_prefix(severity.size());
      while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
      }
      text = text.substr(0, text.find('\n'));
      while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
      }
      *static_cast<std::string*>(ended) = std::string(text);
      return;
    }
  }
}

}  // namespace

Parameters& Parameters::text(std::string_view value) {
  values_.emplace_back(std::string(value));
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Parameters& Parameters::integer(std::int64_t value) {
  return text(std::to_string(value));
}

Parameters& Parameters::bytes(std::string_view value) {
  values_.emplace_back(std::string(value));
  lengths_.push_back(static_cast<int>(value.size()));
  formats_.push_back(1);
  return *this;
}

Parameters& Parameters::null() {
  values_.emplace_back(std::nullopt);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

std::vector<const char*> Parameters::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) {
    pointers.push_back(value ? value->c_str() : nullptr);
  }
  return pointers;
}

int Rows::affected() const {
  const std::string_view count = pq().cmd_tuples(result_.get());
  int value = 0;
  std::from_chars(count.data(), count.data() + count.size(), value);
  return value;
}

std::string_view Rows::view(int row, int column) const {
  return {pq().getvalue(result_.get(), row, column),
          static_cast<std::size_t>(pq().getlength(result_.get(), row, column))};
}

std::string Rows::text(int row, int column) const {
  return std::string(view(row, column));
}

std::int64_t Rows::integer(int row, int column) const {
  const std::string_view value(
      pq().getvalue(result_.get(), row, column),
      static_cast<std::size_t>(pq().getlength(result_.get(), row, column)));
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc{} || end != value.data() + value.size()) {
    throw PostgresError("not an integer: \"" + std::string(value) + "\"", "");
  }
  return number;
}

std::string Rows::bytes(int row, int column) const {
  std::size_t length = 0;
  unsigned char* data = pq().unescape_bytea(
      reinterpret_cast<const unsigned char*>(pq().getvalue(result_.get(), row, column)), &length);
  if (data == nullptr) {
    throw PostgresError("cannot decode a bytea value (out of memory)", "");
  }
  std::string value(reinterpret_cast<const char*>(data), length);
  pq().freemem(data);
  return value;
}

Connection::Connection(const std::string& url, const std::optional<std::string>& password,
                       const std::string& application_name, std::string setup)
    : connection_(nullptr, pq().finish), setup_(std::move(setup)) {
  // Keywords are read in order, the URL's parameters where "dbname" stands, the last value of
  // one kept: the URL may change the defaults before it, not the names after it. The defaults
  // bound how long a dead network can hold a call (TCP keepalives and a user timeout of 20 s)
  // rather than the system's minutes.
  std::array<const char*, 9> keywords{"keepalives_idle",
                                      "keepalives_interval",
                                      "keepalives_count",
                                      "tcp_user_timeout",
                                      "dbname",
                                      "application_name",
                                      "connect_timeout",
                                      nullptr,
                                      nullptr};
  std::array<const char*, 9> values{
      "10", "5", "2", "20000", url.c_str(), application_name.c_str(), "10", nullptr, nullptr};
  if (password) {
    keywords[7] = "password";
    values[7] = password->c_str();
  }
  connection_.reset(pq().connectdb_params(keywords.data(), values.data(), 1));
  if (connection_ == nullptr) {
    throw PostgresError("cannot connect: out of memory", "");
  }
  pq().set_notice_processor(connection_.get(), keep_server_farewell, ended_.get());
  if (pq().status(connection_.get()) != CONNECTION_OK) {
    throw PostgresError("cannot connect: " + trimmed(pq().error_message(connection_.get())), "");
  }
  if (!setup_.empty()) {
    run_script(setup_.c_str());
  }
}

void Connection::reconnect() {
  ended_->clear();
  pq().reset(connection_.get());
  if (lost()) {
    throw PostgresError("the connection was lost and cannot be made again: " +
                            trimmed(pq().error_message(connection_.get())),
                        "");
  }
  if (!setup_.empty()) {
    run_script(setup_.c_str());
  }
}

Rows Connection::run(const char* sql, const Parameters& parameters) {
  const auto pointers = parameters.pointers();
  Rows rows(pq().exec_params(connection_.get(), sql, parameters.count(), nullptr, pointers.data(),
                             parameters.lengths().data(), parameters.formats().data(), 0));
  check(rows);
  return rows;
}

void Connection::run_script(const char* sql) {
  const Rows rows(pq().exec(connection_.get(), sql));
  check(rows);
}

void Connection::check(const Rows& rows) const {
  const auto status = pq().result_status(rows.result());
  if (rows.result() == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) {
    throw error_of(connection_.get(), rows.result(), *ended_);
  }
}

Transaction::Transaction(Connection& connection, const char* begin) : connection_(connection) {
  connection_.run(begin);
}

Transaction::~Transaction() {
  if (open_ && !connection_.lost()) {
    try {
      connection_.run("ROLLBACK");
    } catch (const PostgresError&) {
      // The server ends the transaction anyway when the session goes.
    }
  }
}

void Transaction::commit() {
  connection_.run("COMMIT");
  open_ = false;
}

}  // namespace plan_reminder::store::postgresql
