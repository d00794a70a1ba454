// A PostgreSQL cluster of the tests' own (SPEC §10 tests): initdb and pg_ctl from Debian's
// postgresql-15 in a temporary folder, listening on a free loopback port and on a unix socket in
// that folder, run as `nobody` when the tests run as root (PostgreSQL refuses root). Started at
// the first test that needs it and stopped when the test binary ends; each test gets a database
// of its own. Where PostgreSQL cannot run at all (no binaries), why_not() says so and the tests
// skip.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace plan_reminder::test_support {

class PostgresCluster {
 public:
  // The binary's one cluster, started on first use; or, when $PR_TEST_POSTGRES_CLUSTER names a
  // file written by `pg_test_cluster start FILE` (ctest's fixture), the cluster it names, shared
  // by every test process.
  static PostgresCluster& shared();

  // Why PostgreSQL cannot run here at all ("" when it can).
  static std::string missing_binaries();
  // Why no cluster runs here ("" when one does).
  const std::string& why_not() const { return why_not_; }

  // A new, empty database: its name. Throws
  // std::runtime_error saying why when the cluster did not start.
  std::string new_database();
  // A URL for `database` as `user` over TCP on 127.0.0.1, with `extra` query parameters.
  std::string tcp_url(const std::string& database, const std::string& user,
                      const std::string& extra = "") const;
  // A URL for `database` as the superuser postgres (no password) over the unix socket.
  std::string socket_url(const std::string& database) const;

  // Runs `sql` in `database` as the superuser; returns the first column of the first row ("" when
  // none). Throws std::runtime_error with the server's message.
  std::string query(const std::string& database, const std::string& sql) const;

  // Starts a cluster in `folder` (made, chowned) and records where it listens in `folder`/port;
  // stop() it with the same folder. Throws std::runtime_error with initdb's or pg_ctl's output.
  static void start_in(const std::string& folder);
  // The same in a new folder under the temporary folder (which `nobody` can reach); its path.
  static std::string start_in_temporary_folder();
  static void stop_in(const std::string& folder);

  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;
  ~PostgresCluster();

 private:
  PostgresCluster() = default;
  void start();

  std::string folder_;
  bool owned_ = false;  // started (and so stopped) by this process
  int port_ = 0;
  int next_database_ = 0;
  std::string why_not_;
  std::string start_error_;
};

}  // namespace plan_reminder::test_support
