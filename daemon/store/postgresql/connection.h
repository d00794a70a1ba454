// libpq held the RAII way: a connection, a query's result, bound parameters and a transaction
// that rolls back unless committed. Values only ever travel as bound parameters, never inside
// SQL text. Errors are PostgresError (with the SQLSTATE); the store names the database in them.
#pragma once

#include "store/postgresql/pq_library.h"

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::store::postgresql {

// A failure libpq or the server reported; `sqlstate` is "" when it never reached the server.
class PostgresError : public std::runtime_error {
 public:
  PostgresError(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The values of $1, $2, ... in order: text, integers, bytes (sent binary) or NULL.
class Parameters {
 public:
  Parameters& text(std::string_view value);
  Parameters& integer(std::int64_t value);
  Parameters& bytes(std::string_view value);
  Parameters& null();

  int count() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;
  const std::vector<int>& lengths() const { return lengths_; }
  const std::vector<int>& formats() const { return formats_; }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// The rows a query returned, in text format.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, pq().clear) {}

  int size() const { return pq().ntuples(result_.get()); }
  int affected() const;
  bool is_null(int row, int column) const {
    return pq().getisnull(result_.get(), row, column) != 0;
  }
  std::string text(int row, int column) const;
  std::string_view view(int row, int column) const;  // text() in place, while the rows live
  std::int64_t integer(int row, int column) const;
  std::string bytes(int row, int column) const;  // a bytea column
  const PGresult* result() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&::PQclear)> result_;
};

class Connection {
 public:
  // Connects to `url` (libpq's own parsing: sslmode, host, PGPASSFILE and .pgpass apply), with
  // `password` overriding any in the URL when given, and `application_name` naming us to the
  // server. Throws PostgresError when the server cannot be reached or refuses.
  // `setup`, when given, is run on each new session (here and after a reconnect): the session
  // settings the caller relies on.
  Connection(const std::string& url, const std::optional<std::string>& password,
             const std::string& application_name, std::string setup = {});

  // Runs `sql` with `parameters` bound; throws PostgresError when it fails (a lost connection
  // too: see reconnect).
  Rows run(const char* sql, const Parameters& parameters = {});
  Rows run(const std::string& sql, const Parameters& parameters = {}) {
    return run(sql.c_str(), parameters);
  }
  // Runs statements without parameters (the schema), several in one string.
  void run_script(const char* sql);

  bool lost() const { return pq().status(connection_.get()) == CONNECTION_BAD; }
  // Connects again after the connection was lost (the caller does so only between its
  // transactions); throws when that fails too.
  void reconnect();

 private:
  void check(const Rows& rows) const;

  // What the server said last when it ended the session ("terminating connection due to
  // idle-in-transaction timeout"): libpq hands it to a notice processor, whose default prints
  // it on stderr, outside the log. Kept here (a stable address for libpq) and put in front of
  // the error of the call that finds the connection gone. Before connection_: it outlives it.
  std::unique_ptr<std::string> ended_ = std::make_unique<std::string>();
  std::unique_ptr<PGconn, decltype(&::PQfinish)> connection_;
  std::string setup_;
};

// BEGIN at construction; ROLLBACK at destruction unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Connection& connection, const char* begin = "BEGIN");
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace plan_reminder::store::postgresql
