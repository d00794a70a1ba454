#include "service/file_watch.h"

#include <spdlog/spdlog.h>
#include <sys/inotify.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace plan_reminder::service {
namespace {

int make_inotify() {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error(std::string("cannot watch files: ") + std::strerror(errno));
  }
  return fd;
}

// Only files a deployment is made of; the state database's WAL, editor swap files and the
// like are ignored.
bool relevant(std::string_view name) {
  for (std::string_view extension : {".yaml", ".yml", ".json", ".mustache"}) {
    if (name.size() > extension.size() &&
        name.substr(name.size() - extension.size()) == extension) {
      return true;
    }
  }
  return false;
}

}  // namespace

FileWatch::FileWatch(boost::asio::io_context& io, std::chrono::milliseconds settle,
                     std::function<void()> on_change)
    : descriptor_(io, make_inotify()),
      settle_timer_(io),
      settle_(settle),
      on_change_(std::move(on_change)) {
  read();
}

FileWatch::~FileWatch() = default;

void FileWatch::watch(const std::vector<std::string>& folders) {
  for (const auto& [wd, folder] : watches_) {
    ::inotify_rm_watch(descriptor_.native_handle(), wd);
  }
  watches_.clear();
  const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                        IN_DELETE_SELF | IN_MOVE_SELF;
  for (const auto& folder : folders) {
    int wd = ::inotify_add_watch(descriptor_.native_handle(), folder.c_str(), mask);
    if (wd < 0) {
      spdlog::warn("cannot watch {}: {}", folder, std::strerror(errno));
      continue;
    }
    watches_[wd] = folder;
  }
}

void FileWatch::close() {
  settle_timer_.cancel();
  boost::system::error_code ignored;
  descriptor_.close(ignored);
}

void FileWatch::read() {
  descriptor_.async_read_some(
      boost::asio::buffer(buffer_), [this](const boost::system::error_code& error, std::size_t n) {
        if (error) {
          if (error != boost::asio::error::operation_aborted) {
            spdlog::error("file watch stopped: {}", error.message());
          }
          return;
        }
        bool any = false;
        for (std::size_t at = 0; at + sizeof(inotify_event) <= n;) {
          const auto* event = reinterpret_cast<const inotify_event*>(buffer_.data() + at);
          std::string_view name = event->len > 0 ? std::string_view(event->name) : "";
          if ((event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW)) != 0 ||
              relevant(name)) {
            any = true;
          }
          at += sizeof(inotify_event) + event->len;
        }
        if (any) {
          changed();
        }
        read();
      });
}

void FileWatch::changed() {
  settle_timer_.expires_after(settle_);
  settle_timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) {
      on_change_();
    }
  });
}

}  // namespace plan_reminder::service
