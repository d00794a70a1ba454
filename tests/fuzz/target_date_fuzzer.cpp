// libFuzzer harness for the target-date language (plan/target_date.h): any bytes as the
// wording of a target or an exact day. The first byte picks the quarter style; a relative
// target is applied to a publication date, as the loader does.
#include "plan/target_date.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace plan_reminder::plan;
  if (size == 0) {
    return 0;
  }
  const QuarterStyle quarters =
      (data[0] & 1) != 0 ? QuarterStyle::calendar : QuarterStyle::financial;
  const std::string_view wording(reinterpret_cast<const char*>(data + 1), size - 1);
  const plan_reminder::base::Result<TargetMeaning> reading = read_target(wording, quarters);
  if (reading) {
    if (const auto* offset = std::get_if<PublicationOffset>(&*reading)) {
      using namespace date::literals;
      static_cast<void>(apply_offset(2020_y / date::January / 31, *offset));
    }
  }
  static_cast<void>(read_day(wording));
  return 0;
}
