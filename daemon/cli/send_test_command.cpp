// `plan-reminder send-test --to ADDRESS`: one test message through the configured transport,
// to check the mail set-up (TLS, credentials, relay) before the first real notice. The message
// is rendered from the `test` templates with the same header, footer and Reply-To (the
// coordinator) as every notice, so it also shows how notices look and where replies go.
#include "cli/commands.h"
#include "cli/common.h"
#include "mail/message.h"
#include "mail/templates.h"
#include "mail/transport.h"
#include "plan/address.h"
#include "plan/loaders.h"
#include "service/outbox_entry.h"

#include <iostream>
#include <memory>

namespace plan_reminder::cli {

Command add_send_test_command(CLI::App& app) {
  auto* command =
      app.add_subcommand("send-test", "Send one test message through the configured transport");
  auto config_file = std::make_shared<std::string>(default_config_path);
  auto to = std::make_shared<std::string>();
  add_config_option(command, *config_file);
  command->add_option("--to", *to, "The address to send the test message to")->required();
  return [config_file, to]() -> int {
    std::string problem = plan::address_problem(*to);
    if (!problem.empty()) {
      std::cerr << "plan-reminder send-test: '" << *to << "' is not an email address: it "
                << problem << '\n';
      return usage;
    }
    plan::Diagnostics diagnostics;
    auto config = plan::load_config(*config_file, diagnostics);
    std::optional<plan::Directory> directory;
    std::optional<mail::Templates> templates;
    if (config) {
      directory = plan::load_directory(config->directory, diagnostics);
      templates = mail::Templates::load(
          config->templates.empty() ? mail::Templates::default_folder() : config->templates,
          diagnostics);
    }
    if (!config || !directory || !templates || !diagnostics.empty()) {
      diagnostics.sort();
      print_diagnostics(diagnostics, std::cerr);
      return config_error;
    }
    std::string error;
    auto transport = mail::make_transport(config->transport, error);
    if (!transport) {
      std::cerr << "plan-reminder send-test: " << error << '\n';
      return config_error;
    }
    policy::Clock clock = policy::clock_for(*config);
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    mail::TestView view;
    view.partnership = directory->partnership;
    view.transport = transport->describe();
    view.recipient = *to;
    const std::optional<mail::Address> coordinator = service::coordinator_of(*directory);
    if (coordinator) {
      view.coordinator_name = coordinator->name;
      view.coordinator_address = coordinator->address;
    }
    mail::Message message = service::message_for(
        *config, clock, templates->render(view), {mail::Address{"", *to}},
        {"send-test/" + *to + "/" + std::to_string(now.time_since_epoch().count())}, now);
    message.reply_to = coordinator;
    mail::SendResult result = transport->send(
        message.from.address, mail::envelope_recipients(message), mail::compose(message));
    transport->close();
    if (!result.delivered()) {
      std::cerr << "plan-reminder send-test: not delivered: " << result.detail << '\n';
      return unavailable;
    }
    std::cout << "sent a test message to " << *to << " through " << transport->describe() << '\n';
    return ok;
  };
}

}  // namespace plan_reminder::cli
