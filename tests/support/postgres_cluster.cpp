// A PostgreSQL cluster of the tests' own (see postgres_cluster.h).
#include "support/postgres_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace plan_reminder::test_support {
namespace {

namespace fs = std::filesystem;

// Debian's postgresql-15; PR_POSTGRES_BINDIR names another.
std::string bin_dir() {
  const char* dir = std::getenv("PR_POSTGRES_BINDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/lib/postgresql/15/bin";
}

// PostgreSQL refuses to run as root: the cluster then belongs to `nobody`.
std::optional<std::pair<uid_t, gid_t>> unprivileged_account() {
  if (::geteuid() != 0) {
    return std::nullopt;
  }
  const passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) {
    throw std::runtime_error("running as root, and there is no user nobody to run PostgreSQL as");
  }
  return std::pair(nobody->pw_uid, nobody->pw_gid);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs a PostgreSQL program (as `nobody` when root), its output appended to `log`.
void run(const std::vector<std::string>& arguments, const fs::path& log) {
  const auto account = unprivileged_account();
  const pid_t child = ::fork();
  if (child < 0) {
    throw std::runtime_error("cannot fork to run " + arguments.front());
  }
  if (child == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) {
      ::_exit(126);
    }
    if (account && (::setgroups(0, nullptr) != 0 || ::setgid(account->second) != 0 ||
                    ::setuid(account->first) != 0)) {
      ::_exit(126);
    }
    std::vector<char*> argv;
    for (const auto& argument : arguments) {
      argv.push_back(const_cast<char*>(argument.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(arguments.front() + " failed (status " + std::to_string(status) +
                             "):\n" + read_text(log));
  }
}

// A loopback port nothing listens on now.
int free_port() {
  const int socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (socket < 0 || ::bind(socket, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(socket);
  return ntohs(address.sin_port);
}

void give_to_account(const fs::path& path) {
  if (const auto account = unprivileged_account()) {
    if (::chown(path.c_str(), account->first, account->second) != 0) {
      throw std::runtime_error("cannot give " + path.string() + " to nobody");
    }
  }
}

// The folder of the cluster ctest's fixture started (tests/CMakeLists.txt), if there is one:
// $PR_TEST_POSTGRES_CLUSTER names the file that holds its path.
std::optional<std::string> started_by_ctest() {
  const char* file = std::getenv("PR_TEST_POSTGRES_CLUSTER");
  if (file == nullptr || *file == '\0' || !fs::exists(file)) {
    return std::nullopt;
  }
  std::string folder = read_text(file);
  while (!folder.empty() && folder.back() == '\n') {
    folder.pop_back();
  }
  return folder;
}

}  // namespace

std::string PostgresCluster::start_in_temporary_folder() {
  std::string pattern = (fs::temp_directory_path() / "plan-reminder-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary folder from " + pattern);
  }
  start_in(pattern);
  return pattern;
}

void PostgresCluster::start_in(const std::string& folder) {
  const fs::path root(folder);
  fs::create_directories(root);
  give_to_account(root);
  const fs::path log = root / "setup.log";
  std::ofstream(log).close();
  give_to_account(log);
  const std::string data = (root / "data").string();
  run({bin_dir() + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
       "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
      log);
  // The role `secretive` must give a password over TCP (the password tests); everyone else is
  // trusted. The first matching line wins.
  const fs::path hba = root / "data" / "pg_hba.conf";
  const std::string rest = read_text(hba);
  std::ofstream(hba, std::ios::trunc) << "host all secretive 127.0.0.1/32 scram-sha-256\n" << rest;
  const int port = free_port();
  // The tests' clusters do not wait for the disk. A benchmark set beside SQLite, which syncs
  // every commit, asks for PostgreSQL's own defaults (PR_TEST_POSTGRES_DURABLE=1).
  const char* durable = std::getenv("PR_TEST_POSTGRES_DURABLE");
  const bool syncs = durable != nullptr && std::string(durable) == "1";
  run({bin_dir() + "/pg_ctl", "-D", data, "-l", (root / "server.log").string(), "-w", "-t", "60",
       "-o",
       "-p " + std::to_string(port) + " -k " + folder + " -c listen_addresses=127.0.0.1" +
           (syncs ? "" : " -c fsync=off -c full_page_writes=off"),
       "start"},
      log);
  std::ofstream(root / "port") << port << "\n";
}

void PostgresCluster::stop_in(const std::string& folder) {
  const fs::path root(folder);
  run({bin_dir() + "/pg_ctl", "-D", (root / "data").string(), "-m", "immediate", "-w", "stop"},
      root / "setup.log");
}

PostgresCluster& PostgresCluster::shared() {
  static PostgresCluster cluster;
  static std::once_flag once;
  std::call_once(once, [] { cluster.start(); });
  return cluster;
}

std::string PostgresCluster::missing_binaries() {
  const std::string initdb = bin_dir() + "/initdb";
  if (::access(initdb.c_str(), X_OK) != 0) {
    return "PostgreSQL is not installed here (no " + initdb +
           "): install postgresql-15 to run the PostgreSQL state tests";
  }
  return "";
}

void PostgresCluster::start() {
  why_not_ = missing_binaries();
  if (!why_not_.empty()) {
    return;
  }
  try {
    if (auto shared_folder = started_by_ctest()) {
      folder_ = *shared_folder;
    } else {
      owned_ = true;
      folder_ = start_in_temporary_folder();
    }
    port_ = std::stoi(read_text(fs::path(folder_) / "port"));
  } catch (const std::exception& e) {
    // Installed but not starting is a failure of every PostgreSQL test, not a reason to skip.
    start_error_ = std::string("the test PostgreSQL cluster did not start: ") + e.what();
  }
}

PostgresCluster::~PostgresCluster() {
  if (!owned_ || folder_.empty()) {
    return;
  }
  try {
    stop_in(folder_);
  } catch (const std::exception&) {
    // The folder goes anyway; a server left running has lost its files and stops at once.
  }
  std::error_code ignored;
  fs::remove_all(folder_, ignored);
}

std::string PostgresCluster::socket_url(const std::string& database) const {
  return "postgresql://postgres@/" + database + "?host=" + folder_ +
         "&port=" + std::to_string(port_);
}

std::string PostgresCluster::tcp_url(const std::string& database, const std::string& user,
                                     const std::string& extra) const {
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + database +
         "?sslmode=disable" + extra;
}

std::string PostgresCluster::new_database() {
  if (!start_error_.empty()) {
    throw std::runtime_error(start_error_);
  }
  // Names made here, never from input: safe in SQL text (identifiers cannot be bound).
  const std::string name =
      "test_" + std::to_string(::getpid()) + "_" + std::to_string(next_database_++);
  query("postgres", "CREATE DATABASE " + name);
  return name;
}

std::string PostgresCluster::query(const std::string& database, const std::string& sql) const {
  const std::unique_ptr<PGconn, decltype(&::PQfinish)> connection(
      ::PQconnectdb(socket_url(database).c_str()), &::PQfinish);
  if (::PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to the test cluster: " +
                             std::string(::PQerrorMessage(connection.get())));
  }
  const std::unique_ptr<PGresult, decltype(&::PQclear)> result(
      ::PQexec(connection.get(), sql.c_str()), &::PQclear);
  const auto status = ::PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error(sql + ": " + ::PQresultErrorMessage(result.get()));
  }
  if (status == PGRES_TUPLES_OK && ::PQntuples(result.get()) > 0) {
    return ::PQgetvalue(result.get(), 0, 0);
  }
  return "";
}

}  // namespace plan_reminder::test_support
