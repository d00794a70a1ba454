#include "service/run_daemon.h"

#include "service/wall_clock_timer.h"

#include <boost/asio/io_context.hpp>

#include <pthread.h>

#include <csignal>

namespace plan_reminder::service {
namespace {

sigset_t daemon_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) {
    sigaddset(&signals, signal);
  }
  return signals;
}

}  // namespace

void block_daemon_signals() {
  sigset_t signals = daemon_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void run_daemon(Daemon::Options options, std::chrono::seconds offset, DeploymentLoader loader,
                Deployment deployment, std::unique_ptr<store::StateStore> store,
                std::unique_ptr<mail::Transport> transport) {
  boost::asio::io_context io;
  WallClockTimer timer(io, offset);
  Daemon daemon(io, timer, std::move(options), std::move(loader), std::move(deployment),
                std::move(store), std::move(transport));
  // Asio's signal_set receives them through its own handler once unblocked in this thread.
  sigset_t signals = daemon_signals();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  daemon.start();
  io.run();
}

}  // namespace plan_reminder::service
