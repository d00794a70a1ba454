// A fresh folder under the system's temporary folder, removed with everything in it when the
// object goes: the tests' scratch space for deployments, databases, Maildirs and templates.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace plan_reminder::test_support {

class TempDir {
 public:
  // `prefix` names the folder ("plan-reminder-store-1a2B3c"), to tell whose it is.
  explicit TempDir(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary folder from " + pattern);
    }
    path_ = std::filesystem::path(pattern).lexically_normal();
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace plan_reminder::test_support
