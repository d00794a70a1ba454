// Tests of emails as outbox entries: the coordinator's notices queued with their notice, and
// the notices a planned email carries as the log records them.
#include "service/outbox_entry.h"

#include "service/delivery_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan_reminder::service {
namespace {

using namespace std::chrono_literals;
using testing::DeliveryTest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kNow;
using ::testing::SizeIs;

class OutboxEntryTest : public DeliveryTest {
 protected:
  const policy::Clock clock_ = policy::clock_for(snapshot_.config);
  mail::RenderedEmail rendered_{"Plan files not loaded", "The files have problems.", "<p>x</p>"};
};

// Tests that a notice to the coordinator is queued at once from the partnership's sender, to
// the coordinator alone, under its key, with its subject recorded in the log.
TEST_F(OutboxEntryTest, ACoordinatorNoticeIsQueuedWithItsNotice) {
  enqueue_for_coordinator(*store_, snapshot_, clock_, mail::EmailKind::problem, rendered_,
                          "problem/1", {"<earlier@partnership.example.org>"}, kNow);
  auto due = store_->due_messages(kNow);
  ASSERT_THAT(due, SizeIs(1));
  EXPECT_EQ(due[0].kind, mail::EmailKind::problem);
  EXPECT_EQ(due[0].envelope_from, "dhr@partnership.example.org");
  EXPECT_THAT(due[0].recipients, ElementsAre("coordinator@council.example.org"));
  const std::string raw = store_->message_raw(due[0].id);
  EXPECT_THAT(raw, HasSubstr("Date: Wed, 01 Apr 2020 09:00:00 +0100"));
  EXPECT_THAT(raw, HasSubstr("References: <earlier@partnership.example.org>"));
  auto notices = store_->notices_of_message(due[0].message_id);
  ASSERT_THAT(notices, SizeIs(1));
  EXPECT_EQ(notices[0].key, "problem/1");
  EXPECT_EQ(notices[0].recipient, "coordinator");
  EXPECT_EQ(notices[0].detail, "Plan files not loaded");
}

// Tests that without a coordinator address nothing is queued (there is nobody to tell).
TEST_F(OutboxEntryTest, NoCoordinatorNoNotice) {
  snapshot_.directory.coordinator.to.clear();
  enqueue_for_coordinator(*store_, snapshot_, clock_, mail::EmailKind::problem, rendered_,
                          "problem/1", {}, kNow);
  EXPECT_THAT(store_->due_messages(kNow), IsEmpty());
}

// Tests that a digest carries one notice, its digest key for its recipient, queued in the
// message.
TEST_F(OutboxEntryTest, ADigestCarriesItsDigestKey) {
  policy::PlannedEmail digest;
  digest.kind = mail::EmailKind::digest;
  digest.recipient = policy::Recipient{policy::Recipient::Kind::digest, "digest:board@x.org"};
  digest.digest_key = "digest/2020-W14/board@x.org";
  auto notices = queued_notices(digest, "<d@partnership.example.org>", kNow);
  ASSERT_THAT(notices, SizeIs(1));
  EXPECT_EQ(notices[0].key, "digest/2020-W14/board@x.org");
  EXPECT_EQ(notices[0].kind, mail::EmailKind::digest);
  EXPECT_EQ(notices[0].recipient, "digest:board@x.org");
  EXPECT_EQ(notices[0].state, store::DeliveryState::queued);
  EXPECT_EQ(notices[0].message_id, "<d@partnership.example.org>");
}

}  // namespace
}  // namespace plan_reminder::service
