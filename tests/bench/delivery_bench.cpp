// Benchmark: SMTP delivery throughput of the real transport (mail/transport.h, libcurl). Composes
// N reminder-like messages (multipart/alternative text + HTML, ~3 KB) with mail::compose, then
// sends them to an SMTP server, one connection per batch (close() between batches, as a pass
// does), and prints messages per second and wall time.
//
//   plan-reminder-delivery-bench --url smtp://127.0.0.1:PORT [--plaintext] [--ca-file CERT]
//       [--messages 10000] [--batch 100] [--size BYTES] [--label TEXT] [--write-sample FILE]
//       [--relay PLAN_REMINDER_BINARY]
//
// --relay delivers as the daemon does, through `plan-reminder smtp-relay` child processes (one
// per batch, mail/smtp_relay.h), started from the given plan-reminder binary.
// --plaintext sets allow_plaintext (honoured for loopback only); without it STARTTLS is
// required and the certificate verified (--ca-file: the sink's self-signed certificate).
// --write-sample FILE writes one composed message (CRLF line ends) and exits without sending,
// so that other clients can be timed with a message of the same size and shape.
// The last line of output is machine-readable:
//   RESULT <label> <messages> <seconds> <messages per second>
// Exit status: 0 when every message was delivered, 1 otherwise, 64 on a usage error.
#include "mail/message.h"
#include "mail/smtp_relay.h"
#include "mail/transport.h"
#include "plan/config.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace plan_reminder;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

struct Options {
  std::string url;
  bool plaintext = false;
  std::string ca_file;
  long messages = 10000;
  long batch = 100;
  std::size_t size = 3000;  // approximate bytes of each composed message
  std::string label;
  std::string sample;
  std::string relay;  // the plan-reminder binary, to deliver through its smtp-relay
};

const char* const kUsage =
    "usage: plan-reminder-delivery-bench --url smtp://127.0.0.1:PORT [--plaintext] "
    "[--ca-file CERT]\n"
    "         [--messages N] [--batch N] [--size BYTES] [--label TEXT] [--write-sample FILE]\n"
    "         [--relay PLAN_REMINDER_BINARY]\n";

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--plaintext") {
      options.plaintext = true;
    } else if (arg == "--url" && (v = value())) {
      options.url = v;
    } else if (arg == "--ca-file" && (v = value())) {
      options.ca_file = v;
    } else if (arg == "--messages" && (v = value())) {
      options.messages = std::atol(v);
    } else if (arg == "--batch" && (v = value())) {
      options.batch = std::atol(v);
    } else if (arg == "--size" && (v = value())) {
      options.size = static_cast<std::size_t>(std::atol(v));
    } else if (arg == "--label" && (v = value())) {
      options.label = v;
    } else if (arg == "--write-sample" && (v = value())) {
      options.sample = v;
    } else if (arg == "--relay" && (v = value())) {
      options.relay = v;
    } else {
      return false;
    }
  }
  if (options.label.empty()) {
    options.label = options.plaintext ? "libcurl-plaintext" : "libcurl-starttls";
  }
  return (!options.url.empty() || !options.sample.empty()) && options.messages > 0 &&
         options.batch > 0;
}

// Progress notes as plans write them; repeated until the message reaches the wanted size.
const char* const kProgress[] = {
    "The new substance misuse provider has committed to use the ‘Blue Light’ approach. This "
    "includes following the guidance to inform an assertive engagement approach; responding to "
    "intelligence from partners regarding hotspots and known individuals.",
    "Training sessions were delivered to 120 front-line staff across the partnership in the "
    "last quarter – a further two sessions are planned, funded from the £15,000 training budget.",
    "The multi-agency pathway was agreed at the board in principle; the final document is with "
    "the agencies for sign-off and will be published on the partnership’s website.",
};

// A reminder about one milestone, as the service would compose it (compare the `reminder`
// templates): a text part, a small HTML part, threading headers and a stable Message-ID.
mail::Message reminder(long n, std::size_t wanted_size) {
  std::string review = "dhr-bench-" + std::to_string(n % 1500);
  std::string action = std::to_string(1 + n % 6) + "." + std::to_string(1 + n % 9);
  std::string agency = "Community Safety Team " + std::to_string(n % 300);
  mail::Message m;
  m.from = {"Safer Sunderland Partnership", "dhr-actions@partnership.example.org"};
  m.to = {{agency, "csp-team-" + std::to_string(n % 300) + "@agency.example.org"}};
  m.reply_to = mail::Address{"DHR coordinator", "dhr-coordinator@council.example.org"};
  m.subject = "[Safer Sunderland Partnership] Due in 14 days: " + action +
              " Impact of training in other areas researched";
  m.message_id = mail::message_id_for(
      {review + "/" + action + "/m1/reminder-14/" + std::to_string(n)}, "partnership.example.org");
  m.references = {mail::thread_id_for(review, action, "partnership.example.org")};
  m.date = date::sys_days{date::year{2026} / 11 / 26} + std::chrono::hours{9};
  m.utc_offset = std::chrono::minutes{0};

  std::string progress;
  std::string text_head =
      "Dear " + agency +
      ",\n\nA milestone in a Domestic Homicide Review action plan is due in 14 days, on 10 "
      "December 2026. This reminder goes to the lead agencies for the action.\n\n"
      "------------------------------------------------------------\n"
      "Action " +
      action +
      ": Impact of training in other areas researched\n[Amber] Due in 14 "
      "days\n\nReview:    Domestic Homicide Review: ‘Adult " +
      std::to_string(n % 97) + "’\nAction:    " + action +
      " Explore Blue Light as a training tool for work with domestic abuse cases where there "
      "are change resistant drinkers\nMilestone: Impact of training in other areas researched\n"
      "Lead:      " +
      agency +
      "\nTarget:    By December 2026 (as written in the plan)\n"
      "Due date:  10 December 2026\nProgress:\n";
  std::string text_tail =
      "\n------------------------------------------------------------\n\nWhat we ask\nPlease "
      "update us on progress, or agree a revised target date if the target cannot be met, by "
      "replying to this email.\nReplies go to: DHR coordinator "
      "<dhr-coordinator@council.example.org>\n\n-- \nThis is an automatic message from "
      "plan-reminder, sent on behalf of Safer Sunderland Partnership.\n";
  auto html_for = [&](const std::string& note) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Due in 14 "
           "days</title></head>\n<body "
           "style=\"font-family:Helvetica,Arial,sans-serif;\">\n<p>Dear " +
           agency +
           ",</p>\n<p>A milestone in a Domestic Homicide Review action plan is due in 14 days, on "
           "10 December 2026.</p>\n<table role=\"presentation\">\n<tr><th>Action</th><td>" +
           action +
           " Explore Blue Light as a training tool</td></tr>\n<tr><th>Milestone</th>"
           "<td>Impact of training in other areas researched</td></tr>\n<tr><th>Due date</th>"
           "<td>10 December 2026</td></tr>\n<tr><th>Progress</th><td>" +
           note +
           "</td></tr>\n</table>\n<p>Please update us on progress by replying to this "
           "email.</p>\n</body>\n</html>\n";
  };
  for (std::size_t i = 0;; ++i) {
    m.text = text_head + "  " + progress + "\n" + text_tail;
    m.html = html_for(progress);
    if (mail::compose(m).size() >= wanted_size || i > 1000) {
      break;
    }
    if (!progress.empty()) {
      progress += ' ';
    }
    progress += kProgress[(static_cast<std::size_t>(n) + i) % 3];
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::cerr << kUsage;
    return 64;
  }

  // Compose every message first: the time measured below is delivery only.
  auto compose_start = std::chrono::steady_clock::now();
  std::vector<std::string> raw;
  std::vector<std::vector<std::string>> recipients;
  long count = options.sample.empty() ? options.messages : 1;
  raw.reserve(static_cast<std::size_t>(count));
  std::size_t bytes = 0;
  // The padding loop is costly; size one message, then reuse its progress length.
  mail::Message model = reminder(0, options.size);
  for (long n = 0; n < count; ++n) {
    mail::Message m = model;
    std::string review = "dhr-bench-" + std::to_string(n % 1500);
    m.message_id = mail::message_id_for({review + "/reminder-14/" + std::to_string(n)},
                                        "partnership.example.org");
    m.to = {{"Community Safety Team " + std::to_string(n % 300),
             "csp-team-" + std::to_string(n % 300) + "@agency.example.org"}};
    raw.push_back(mail::compose(m));
    recipients.push_back(mail::envelope_recipients(m));
    bytes += raw.back().size();
  }
  double compose_seconds = seconds_since(compose_start);

  if (!options.sample.empty()) {
    std::ofstream out(options.sample, std::ios::binary);
    out << raw.front();
    if (!out) {
      std::cerr << "cannot write " << options.sample << '\n';
      return 74;
    }
    std::cout << "wrote a " << raw.front().size() << "-byte sample message to " << options.sample
              << '\n';
    return 0;
  }

  plan::Transport settings;
  settings.kind = plan::Transport::Kind::smtp;
  settings.smtp.url = options.url;
  settings.smtp.allow_plaintext = options.plaintext;
  settings.smtp.ca_file = options.ca_file;
  std::string error;
  auto transport = options.relay.empty()
                       ? mail::make_transport(settings, error)
                       : mail::make_smtp_relay_transport(settings.smtp, "", options.relay, error);
  if (!transport) {
    std::cerr << "make_transport: " << error << '\n';
    return 78;
  }

  const std::string from = "dhr-actions@partnership.example.org";
  long delivered = 0;
  long failed = 0;
  std::string first_failure;
  auto start = std::chrono::steady_clock::now();
  for (long n = 0; n < options.messages; ++n) {
    auto result = transport->send(from, recipients[static_cast<std::size_t>(n)],
                                  raw[static_cast<std::size_t>(n)]);
    if (result.delivered()) {
      ++delivered;
    } else {
      ++failed;
      if (first_failure.empty()) {
        first_failure = result.detail;
      }
    }
    if ((n + 1) % options.batch == 0) {
      transport->close();
    }
  }
  transport->close();
  double seconds = seconds_since(start);
  double rate = static_cast<double>(delivered) / seconds;

  std::printf(
      "%s: %ld messages (%ld delivered, %ld failed) to %s, batches of %ld "
      "(%ld connections)\n",
      options.label.c_str(), options.messages, delivered, failed, options.url.c_str(),
      options.batch, (options.messages + options.batch - 1) / options.batch);
  std::printf("  average message %.0f bytes; composing all took %.3f s (%.0f messages/s)\n",
              static_cast<double>(bytes) / static_cast<double>(options.messages), compose_seconds,
              static_cast<double>(options.messages) / compose_seconds);
  std::printf("  delivery: wall %.3f s, %.0f messages/s; peak resident %ld KiB\n", seconds, rate,
              peak_rss_kib());
  if (failed > 0) {
    std::printf("  first failure: %s\n", first_failure.c_str());
  }
  std::printf("RESULT %s %ld %.3f %.0f\n", options.label.c_str(), delivered, seconds, rate);
  return failed == 0 ? 0 : 1;
}
