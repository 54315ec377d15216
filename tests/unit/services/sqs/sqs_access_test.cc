#include <set>

#include "sqs_test_util.h"

namespace wharf::sqs::testing {
namespace {

class SqsAccess : public SqsFixture {
 protected:
  // Runs as account 222222222222 (what a 12-digit access key id selects).
  Result<json> AsOther(const std::string& op, json input) {
    RequestContext owner = ctx_;
    ctx_.account = kOther;
    auto r = Call(op, std::move(input));
    ctx_ = owner;
    return r;
  }
  void ExpectDenied(const std::string& op, json input) {
    auto r = AsOther(op, std::move(input));
    ASSERT_FALSE(r.ok()) << op << " was allowed";
    EXPECT_EQ(r.error().http_status, 403) << op;
    EXPECT_EQ(r.error().QueryCode(), "AccessDenied") << op;
    EXPECT_EQ(r.error().code, "com.amazon.coral.service#AccessDeniedException") << op;
  }
  void ExpectAllowed(const std::string& op, json input) {
    auto r = AsOther(op, std::move(input));
    EXPECT_TRUE(r.ok()) << op << ": " << (r.ok() ? "" : r.error().message);
  }
  // SendAsService's results.
  std::vector<Result<json>> SendAll(std::vector<ServiceSend> sends) {
    auto p = std::make_shared<Pending>();
    auto results = std::make_shared<std::vector<Result<json>>>();
    engine_->SendAsService(std::move(sends), [p, results](std::vector<Result<json>> rs) {
      std::lock_guard lock(p->mu);
      *results = std::move(rs);
      p->result = json::object();
      p->cv.notify_all();
    });
    store_->Flush();
    std::unique_lock lock(p->mu);
    p->cv.wait_for(lock, std::chrono::seconds(10), [&] { return p->result.has_value(); });
    return *results;
  }
  static Caller Sns(const std::string& topic_account) {
    return {topic_account, "sns.amazonaws.com", "arn:aws:sns:us-east-1:" + topic_account + ":t"};
  }
  Result<json> SendAsSns(const std::string& topic_account, const std::string& queue_arn) {
    auto rs = SendAll({{Sns(topic_account), queue_arn, {{"MessageBody", "from sns"}}}});
    if (rs.size() != 1) return AwsError::Internal("no reply");
    return std::move(rs[0]);
  }

  static constexpr char kOther[] = "222222222222";
  const std::string arn_ = "arn:aws:sqs:us-east-1:000000000000:q";
};

TEST_F(SqsAccess, CrossAccountWithoutPolicyIsDenied) {
  std::string url = CreateQueue("q");
  auto r = AsOther("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "User: arn:aws:iam::222222222222:root is not authorized to perform: sqs:sendmessage "
            "on resource: " +
                arn_ + " because no resource-based policy allows the sqs:sendmessage action");
  EXPECT_EQ(r.error().QueryMessage(),
            "Access to the resource https://sqs.us-east-1.amazonaws.com/ is denied.");
  ExpectDenied("GetQueueUrl", {{"QueueName", "q"}, {"QueueOwnerAWSAccountId", "000000000000"}});
  ExpectDenied("ReceiveMessage", {{"QueueUrl", url}});
  ExpectDenied("GetQueueAttributes", {{"QueueUrl", url}});
  ExpectDenied("DeleteQueue", {{"QueueUrl", url}});
  ExpectDenied("ListMessageMoveTasks", {{"SourceArn", arn_}});
  // The owner is not affected; a queue that does not exist is still QueueDoesNotExist.
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}});
  auto missing =
      AsOther("GetQueueUrl", {{"QueueName", "nope"}, {"QueueOwnerAWSAccountId", "000000000000"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "QueueDoesNotExist");
}

TEST_F(SqsAccess, AddPermissionGrantsOnlyTheListedActions) {
  std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}});
  Ok("AddPermission", {{"QueueUrl", url},
                       {"Label", "l"},
                       {"AWSAccountIds", {kOther}},
                       {"Actions", {"ReceiveMessage", "GetQueueUrl"}}});
  ExpectAllowed("GetQueueUrl", {{"QueueName", "q"}, {"QueueOwnerAWSAccountId", "000000000000"}});
  auto got = AsOther("ReceiveMessage", {{"QueueUrl", url}});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value("Messages", json::array()).size(), 1u);
  ExpectDenied("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}});
  Ok("RemovePermission", {{"QueueUrl", url}, {"Label", "l"}});
  ExpectDenied("ReceiveMessage", {{"QueueUrl", url}});
}

TEST_F(SqsAccess, PolicyAllowsBatchesByTheirActionAndDenyWins) {
  std::string url = CreateQueue("q");
  json policy = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Effect", "Allow"}, {"Principal", {{"AWS", kOther}}}, {"Action", "sqs:*"}},
        {{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "sqs:Purge*"}, {"Resource", arn_}}}}};
  Ok("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"Policy", policy.dump()}}}});
  ExpectAllowed("SendMessageBatch",
                {{"QueueUrl", url}, {"Entries", {{{"Id", "1"}, {"MessageBody", "x"}}}}});
  ExpectAllowed("GetQueueAttributes", {{"QueueUrl", url}});
  auto r = AsOther("PurgeQueue", {{"QueueUrl", url}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("with an explicit deny"), std::string::npos);
  // Actions only the owner may call, whatever the policy says.
  ExpectDenied("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"DelaySeconds", "1"}}}});
  ExpectDenied("TagQueue", {{"QueueUrl", url}, {"Tags", {{"k", "v"}}}});
  ExpectDenied("DeleteQueue", {{"QueueUrl", url}});
  // The owner passes an explicit Deny: the account always keeps control of its queue.
  Ok("PurgeQueue", {{"QueueUrl", url}});
}

TEST_F(SqsAccess, ServiceDeliveryAcrossAccountsNeedsThePolicy) {
  std::string url = CreateQueue("q");
  // From a topic of the same account: no policy needed.
  EXPECT_TRUE(SendAsSns("000000000000", arn_).ok());
  auto denied = SendAsSns("333333333333", arn_);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().QueryCode(), "AccessDenied");
  json policy = {
      {"Statement",
       {{{"Effect", "Allow"},
         {"Principal", {{"Service", "sns.amazonaws.com"}}},
         {"Action", "sqs:SendMessage"},
         {"Resource", arn_},
         {"Condition",
          {{"ArnEquals", {{"aws:SourceArn", "arn:aws:sns:us-east-1:333333333333:t"}}}}}}}}};
  Ok("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"Policy", policy.dump()}}}});
  EXPECT_TRUE(SendAsSns("333333333333", arn_).ok());
  EXPECT_FALSE(SendAsSns("444444444444", arn_).ok());
  EXPECT_EQ(Receive(url, {{"MaxNumberOfMessages", 10}}).size(), 2u);
  auto missing = SendAsSns("000000000000", "arn:aws:sqs:us-east-1:000000000000:nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "QueueDoesNotExist");
}

TEST_F(SqsAccess, ServiceDeliveryInTheOwnersAccountStopsOnlyAtADeny) {
  std::string url = CreateQueue("q");
  json deny = {{"Statement",
                {{{"Effect", "Deny"},
                  {"Principal", {{"Service", "sns.amazonaws.com"}}},
                  {"Action", "sqs:SendMessage"},
                  {"Resource", arn_}}}}};
  Ok("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"Policy", deny.dump()}}}});
  auto denied = SendAsSns("000000000000", arn_);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().QueryCode(), "AccessDenied");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "the owner itself"}});
  // A policy that only grants something else does not stop the owner's own service.
  json other = {{"Statement",
                 {{{"Effect", "Allow"},
                   {"Principal", {{"AWS", "arn:aws:iam::222222222222:root"}}},
                   {"Action", "sqs:ReceiveMessage"},
                   {"Resource", arn_}}}}};
  Ok("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"Policy", other.dump()}}}});
  EXPECT_TRUE(SendAsSns("000000000000", arn_).ok());
  EXPECT_EQ(Receive(url, {{"MaxNumberOfMessages", 10}}).size(), 2u);
}

TEST_F(SqsAccess, ServiceSendsInOneCallEachGetTheirOwnResult) {
  std::string url = CreateQueue("q");
  std::string fifo_url = CreateQueue("f.fifo", {{"FifoQueue", "true"}});
  const std::string fifo_arn = "arn:aws:sqs:us-east-1:000000000000:f.fifo";
  auto rs = SendAll(
      {{Sns("000000000000"), arn_, {{"MessageBody", "first"}}},
       {Sns("000000000000"), "arn:aws:sqs:us-east-1:000000000000:nope", {{"MessageBody", "lost"}}},
       {Sns("333333333333"), arn_, {{"MessageBody", "denied"}}},
       {Sns("000000000000"), fifo_arn, {{"MessageBody", "no group"}}},
       {Sns("000000000000"),
        fifo_arn,
        {{"MessageBody", "grouped"}, {"MessageGroupId", "g"}, {"MessageDeduplicationId", "d"}}},
       {Sns("000000000000"), arn_, {{"MessageBody", "second"}}}});
  ASSERT_EQ(rs.size(), 6u);
  EXPECT_TRUE(rs[0].ok());
  ASSERT_FALSE(rs[1].ok());
  EXPECT_EQ(rs[1].error().code, "QueueDoesNotExist");
  ASSERT_FALSE(rs[2].ok());
  EXPECT_EQ(rs[2].error().QueryCode(), "AccessDenied");
  ASSERT_FALSE(rs[3].ok());
  EXPECT_EQ(rs[3].error().QueryCode(), "MissingParameter");
  ASSERT_TRUE(rs[4].ok());
  EXPECT_EQ(rs[4]->value("SequenceNumber", "").size(), 20u);
  ASSERT_TRUE(rs[5].ok());
  EXPECT_EQ(rs[5]->value("MD5OfMessageBody", ""), "a9f0e61a137d86aa9db53465e0801612");
  auto got = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got.size(), 2u);
  std::set<std::string> bodies{got[0].value("Body", ""), got[1].value("Body", "")};
  EXPECT_EQ(bodies, (std::set<std::string>{"first", "second"}));
  EXPECT_EQ(Receive(fifo_url, {{"MaxNumberOfMessages", 10}}).size(), 1u);
}

}  // namespace
}  // namespace wharf::sqs::testing
