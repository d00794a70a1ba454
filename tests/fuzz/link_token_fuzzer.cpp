// libFuzzer harness for link tokens (web/link_tokens.h): any bytes as the token a URL carries,
// checked against each purpose at epochs 0 and 1. verify() must never crash or throw, and a
// lasting token (one layout byte and the MAC: 44 characters) it accepts must be exactly the one
// sign() makes. The seeds in corpus/link_token/ are genuine tokens for this secret.
#include "web/link_tokens.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace plan_reminder::web;
  using namespace date::literals;
  static const LinkSecret secret = LinkSecret::from_bytes("fuzzing-secret-of-thirty-two-bytes");
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  for (LinkPurpose purpose : {LinkPurpose::board, LinkPurpose::agency, LinkPurpose::feed}) {
    const LinkSubject subject{purpose, "police", {}};
    for (std::uint64_t epoch : {0U, 1U}) {
      const LinkCheck check = verify(secret, subject, epoch, token, 2026_y / date::November / 30);
      if (check == LinkCheck::valid && token.size() == 44 &&
          token != sign(secret, subject, epoch)) {
        std::abort();
      }
    }
  }
  return 0;
}
