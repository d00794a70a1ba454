// Watches the folders that hold the config, the directory, the plans and the templates
// (inotify), so that an edit is picked up without a signal. Folders, not files, are watched:
// editors save by writing a new file and renaming it over the old one. Changes are collected
// for a moment so that one save, or a `git pull`, gives one reload.
#pragma once

#include <utility>  // Boost 1.74's Asio misses it under C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace plan_reminder::service {

class FileWatch {
 public:
  FileWatch(boost::asio::io_context& io, std::chrono::milliseconds settle,
            std::function<void()> on_change);
  ~FileWatch();
  FileWatch(const FileWatch&) = delete;
  FileWatch& operator=(const FileWatch&) = delete;

  // Watches exactly these folders from now on; folders that do not exist are skipped.
  void watch(const std::vector<std::string>& folders);
  // Stops watching for good (the service is stopping).
  void close();

 private:
  void read();
  void changed();

  boost::asio::posix::stream_descriptor descriptor_;
  boost::asio::steady_timer settle_timer_;
  std::chrono::milliseconds settle_;
  std::function<void()> on_change_;
  std::map<int, std::string> watches_;  // watch descriptor -> folder
  std::array<char, 8192> buffer_{};
};

}  // namespace plan_reminder::service
