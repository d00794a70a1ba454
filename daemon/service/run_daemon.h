// The long-running service as a process: the signals it handles, blocked before any thread
// starts, and the event loop on the wall clock, run until a stop. Only service/ knows Asio:
// `plan-reminder run` (cli/run_command.cpp) calls these two.
#pragma once

#include "mail/transport.h"
#include "service/daemon.h"
#include "service/deployment.h"
#include "store/state_store.h"

#include <chrono>
#include <memory>

namespace plan_reminder::service {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread, and so in every thread it starts
// from now on (the plan loader's, the pass worker), so that only the daemon's handler sees
// them. Call it first thing, before anything starts a thread.
void block_daemon_signals();

// Runs the daemon until SIGTERM or SIGINT (the message in flight recorded), on the wall clock
// shifted by `offset` (zero in production; rehearsals and tests start the service "as if" at
// another moment, and time then runs normally). Unblocks the signals once its handler is set.
void run_daemon(Daemon::Options options, std::chrono::seconds offset, DeploymentLoader loader,
                Deployment deployment, std::unique_ptr<store::StateStore> store,
                std::unique_ptr<mail::Transport> transport);

}  // namespace plan_reminder::service
