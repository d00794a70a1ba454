#include "service/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <memory>

namespace plan_reminder::service {
namespace {

// "<N>" with the syslog priority of the message's level (sd-daemon.h's SD_ERR and so on).
class SyslogPriority : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& out) override {
    int priority = 6;
    switch (message.level) {
      case spdlog::level::critical:
        priority = 2;
        break;
      case spdlog::level::err:
        priority = 3;
        break;
      case spdlog::level::warn:
        priority = 4;
        break;
      case spdlog::level::info:
        priority = 6;
        break;
      default:
        priority = 7;
        break;
    }
    const char text[] = {'<', static_cast<char>('0' + priority), '>'};
    out.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriority>();
  }
};

bool stderr_is_journal() {
  const char* variable = std::getenv("JOURNAL_STREAM");
  struct stat status {};
  return variable != nullptr && ::fstat(STDERR_FILENO, &status) == 0 &&
         is_journal_stream(variable, status.st_dev, status.st_ino);
}

}  // namespace

bool is_journal_stream(std::string_view journal_stream, dev_t device, ino_t inode) {
  auto colon = journal_stream.find(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  auto number = [](std::string_view text, auto& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && error == std::errc() && end == text.data() + text.size();
  };
  unsigned long long stream_device = 0;
  unsigned long long stream_inode = 0;
  return number(journal_stream.substr(0, colon), stream_device) &&
         number(journal_stream.substr(colon + 1), stream_inode) &&
         stream_device == static_cast<unsigned long long>(device) &&
         stream_inode == static_cast<unsigned long long>(inode);
}

void set_up_logging(bool verbose) {
  auto logger = std::make_shared<spdlog::logger>("plan-reminder",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (stderr_is_journal()) {
    // journald adds its own time stamps.
    formatter->add_flag<SyslogPriority>('*').set_pattern("%*%v");
  } else {
    formatter->set_pattern("%Y-%m-%d %H:%M:%S [%l] %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace plan_reminder::service
