// libFuzzer harness for `plan-reminder import` (intake/): any bytes as a .csv, .docx or .xlsx
// action-plan table (the first byte picks which), read under small limits, then made into a
// plan and written as YAML, as the command does. No input may crash, hang or exhaust memory.
#include "intake/plan_import.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

// A directory with the agencies a fuzzed lead cell may name, by id, name or alias.
plan_reminder::plan::Directory fuzz_directory() {
  plan_reminder::plan::Directory directory;
  directory.file = "agencies.yaml";
  for (const char* id : {"police", "wwin", "council"}) {
    plan_reminder::plan::Agency agency;
    agency.id = id;
    agency.mailbox.name = std::string(id) + " team";
    agency.mailbox.to = {std::string("dhr@") + id + ".example.org"};
    agency.aliases = {std::string(id).substr(0, 3)};
    directory.agencies.emplace(id, agency);
  }
  return directory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace plan_reminder::intake;
  if (size == 0) {
    return 0;
  }
  static const plan_reminder::plan::Directory directory = fuzz_directory();
  constexpr std::array<const char*, 3> kNames = {"plan.csv", "plan.docx", "plan.xlsx"};
  const std::string file = kNames[data[0] % kNames.size()];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  Limits limits;
  limits.max_total_bytes = std::size_t{4} * 1024 * 1024;
  limits.max_entry_bytes = std::size_t{2} * 1024 * 1024;
  limits.max_rows = 500;
  auto tables = read_tables(bytes, file, limits);
  if (!tables) {
    return 0;
  }
  auto plan = build_plan(*tables, file, ImportOptions{"dhr-fuzz", "Fuzzed review", ""}, directory);
  if (plan) {
    static_cast<void>(to_yaml(*plan));
  }
  return 0;
}
