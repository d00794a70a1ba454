// ctest's fixture for the PostgreSQL state tests: `pg_test_cluster start FILE` starts one
// cluster for every test process and writes its folder into FILE; `pg_test_cluster stop FILE`
// stops it and removes the folder. A cluster left by an interrupted run is stopped first.
#include "support/postgres_cluster.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>

namespace {

namespace fs = std::filesystem;
using plan_reminder::test_support::PostgresCluster;

void stop(const fs::path& file) {
  std::string folder;
  if (std::ifstream in(file); !std::getline(in, folder) || folder.empty()) {
    return;
  }
  try {
    PostgresCluster::stop_in(folder);
  } catch (const std::exception& e) {
    std::cerr << "pg_test_cluster: " << e.what() << "\n";
  }
  std::error_code ignored;
  fs::remove_all(folder, ignored);
  fs::remove(file, ignored);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc == 3 ? argv[1] : "";
  if (command != "start" && command != "stop") {
    std::cerr << "usage: pg_test_cluster start|stop FILE\n";
    return 2;
  }
  const fs::path file = argv[2];
  stop(file);
  if (command == "stop") {
    return 0;
  }
  if (const std::string why_not = PostgresCluster::missing_binaries(); !why_not.empty()) {
    std::cout << why_not << "\n";  // the tests skip and say so
    return 0;
  }
  try {
    const std::string folder = PostgresCluster::start_in_temporary_folder();
    std::ofstream(file) << folder << "\n";
  } catch (const std::exception& e) {
    std::cerr << "pg_test_cluster: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
