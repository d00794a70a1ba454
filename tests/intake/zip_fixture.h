// Zip archives made by the tests (no binary fixtures checked in): parts given as text, written
// with libzip to a temporary file and read back as bytes.
#pragma once

#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace plan_reminder::intake::testing {

inline std::string make_zip(const std::map<std::string, std::string>& parts) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("intake-test-" + std::to_string(::getpid()) + ".zip");
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (archive == nullptr) {
    throw std::runtime_error("cannot create a test zip");
  }
  for (const auto& [name, text] : parts) {
    zip_source_t* source = zip_source_buffer(archive, text.data(), text.size(), 0);
    if (source == nullptr || zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE) < 0) {
      zip_discard(archive);
      throw std::runtime_error("cannot add to a test zip");
    }
  }
  if (zip_close(archive) != 0) {
    throw std::runtime_error("cannot write a test zip");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);
  return bytes.str();
}

}  // namespace plan_reminder::intake::testing
