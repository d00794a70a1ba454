// libFuzzer harness for the plan loader: any bytes as a plan file's text, through YAML parsing,
// schema checks and target dates to the Diagnostics a coordinator reads. It must never crash,
// hang or trip ASan/UBSan, whatever a user saves into the plans folder.
#include "plan/diagnostics.h"
#include "plan/loaders.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace plan_reminder::plan;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  auto plan = parse_plan(text, "fuzz.yaml", QuarterStyle::financial, diagnostics);
  diagnostics.sort();
  // Every message is rendered, as check and the problem email would.
  std::size_t rendered = 0;
  for (const std::string& line : diagnostics.lines()) {
    rendered += line.size();
  }
  static_cast<void>(plan);
  static_cast<void>(rendered);
  return 0;
}
