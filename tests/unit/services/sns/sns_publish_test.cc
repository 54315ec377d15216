// Publish/PublishBatch validation and SQS fan-out: envelope, raw delivery, filters, FIFO,
// signatures (verified with OpenSSL), DLQ for a missing queue.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <map>
#include <mutex>
#include <thread>

#include "services/sns/sns_signer.h"
#include "services/sns/sns_util.h"
#include "sns_test_util.h"

namespace wharf::sns::testing {
namespace {

using PublishTest = SnsFixture;

// Verifies `envelope`'s Signature against the PEM certificate with OpenSSL.
bool VerifySignature(const json& envelope, const std::string& cert_pem) {
  BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  auto sig = Base64Decode(envelope.value("Signature", "")).value_or("");
  const std::string canonical = CanonicalString(envelope);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = envelope.value("SignatureVersion", "1") == "2" ? EVP_sha256() : EVP_sha1();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(canonical.data()),
                             canonical.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

std::string CertFor(SnsFixture& f, const json& envelope,
                    Result<json> (SnsFixture::*get)(const std::string&,
                                                    std::map<std::string, std::string>)) {
  std::string url = envelope.value("SigningCertURL", "");
  auto pos = url.find("/_wharf/sns");
  if (pos == std::string::npos) return "";
  auto r = (f.*get)(url.substr(pos + 11), {});
  return r.ok() && r->is_string() ? r->get<std::string>() : "";
}

TEST_F(PublishTest, EnvelopeToSqsIsSignedAndVerifiable) {
  std::string topic = CreateTopic("t");
  std::string sub = SubscribeQueue(topic, CreateQueue("q"));
  json r = Ok("Publish",
              {{"TopicArn", topic},
               {"Message", "hello"},
               {"Subject", "subj"},
               {"MessageAttributes", {{"a", {{"DataType", "String"}, {"StringValue", "x"}}}}}});
  json msgs = Receive("q");
  ASSERT_EQ(msgs.size(), 1u);
  json env = json::parse(msgs[0]["Body"].get<std::string>());
  EXPECT_EQ(env["Type"], "Notification");
  EXPECT_EQ(env["MessageId"], r["MessageId"]);
  EXPECT_EQ(env["TopicArn"], topic);
  EXPECT_EQ(env["Subject"], "subj");
  EXPECT_EQ(env["Message"], "hello");
  EXPECT_EQ(env["Timestamp"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(env["SignatureVersion"], "1");
  EXPECT_EQ(env["MessageAttributes"]["a"]["Type"], "String");
  EXPECT_EQ(env["MessageAttributes"]["a"]["Value"], "x");
  EXPECT_EQ(env["UnsubscribeURL"].get<std::string>().find(
                "http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:"),
            0u);
  std::string pem = CertFor(*this, env, &SnsFixture::AdminGet);
  ASSERT_NE(pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_TRUE(VerifySignature(env, pem));
  json tampered = env;
  tampered["Message"] = "other";
  EXPECT_FALSE(VerifySignature(tampered, pem));
  EXPECT_FALSE(msgs[0].contains("MessageAttributes"));  // not raw: attributes only in the body
}

TEST_F(PublishTest, SignatureVersion2UsesSha256) {
  std::string topic = CreateTopic("t", {{"SignatureVersion", "2"}});
  SubscribeQueue(topic, CreateQueue("q"));
  Ok("Publish", {{"TopicArn", topic}, {"Message", "m"}});
  json env = json::parse(Receive("q")[0]["Body"].get<std::string>());
  EXPECT_EQ(env["SignatureVersion"], "2");
  EXPECT_TRUE(VerifySignature(env, CertFor(*this, env, &SnsFixture::AdminGet)));
}

TEST_F(PublishTest, RawDeliveryKeepsAttributes) {
  std::string topic = CreateTopic("t");
  SubscribeQueue(topic, CreateQueue("q"), {{"RawMessageDelivery", "true"}});
  const std::string bin = "\x01\x02";
  Ok("Publish",
     {{"TopicArn", topic},
      {"Message", "raw body"},
      {"MessageAttributes",
       {{"s", {{"DataType", "String"}, {"StringValue", "v"}}},
        {"b",
         {{"DataType", "Binary"},
          {"BinaryValue", json::binary(std::vector<uint8_t>(bin.begin(), bin.end()))}}}}}});
  json m = Receive("q")[0];
  EXPECT_EQ(m["Body"], "raw body");
  EXPECT_EQ(m["MessageAttributes"]["s"]["StringValue"], "v");
  EXPECT_EQ(m["MessageAttributes"]["b"]["DataType"], "Binary");
  // Recorded (test_message_attributes_prefixes): a custom type label may not be empty.
  Ok("Publish", {{"TopicArn", topic},
                 {"Message", "m"},
                 {"MessageAttributes", {{"a", {{"DataType", "String.x"}, {"StringValue", "1"}}}}}});
  AwsError e =
      Err("Publish",
          {{"TopicArn", topic},
           {"Message", "m"},
           {"MessageAttributes", {{"attr1", {{"DataType", "String."}, {"StringValue", "1"}}}}}},
          "ParameterValueInvalid");
  EXPECT_EQ(e.message,
            "The message attribute 'attr1' has an invalid message attribute type, the set of "
            "supported type prefixes is Binary, Number, and String.");
}

// One publish to more queues than the delivery thread sends in one slice (256): every queue
// gets the message once.
TEST_F(PublishTest, FanOutBeyondOneSliceReachesEveryQueue) {
  std::string topic = CreateTopic("t");
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i) names.push_back(std::string("q").append(std::to_string(i)));
  for (const std::string& name : names) {
    SubscribeQueue(topic, CreateQueue(name), {{"RawMessageDelivery", "true"}});
  }
  Ok("Publish", {{"TopicArn", topic}, {"Message", "to all"}});
  WaitIdle();
  for (const std::string& name : names) {
    json got = Receive(name);
    ASSERT_EQ(got.size(), 1u) << name;
    EXPECT_EQ(got[0]["Body"], "to all");
  }
  EXPECT_EQ(AdminGet("/deliveries").value()["pending"], 0);
}

// Recorded (test_publish_message_group_id): a standard topic's MessageGroupId reaches a
// standard queue.
TEST_F(PublishTest, MessageGroupIdReachesAStandardQueue) {
  std::string topic = CreateTopic("t");
  SubscribeQueue(topic, CreateQueue("q"));
  Ok("Publish", {{"TopicArn", topic}, {"Message", "m"}, {"MessageGroupId", "my-group-id-1"}});
  WaitIdle();
  json got = Sqs("ReceiveMessage", {{"QueueUrl", QueueUrl("q")}, {"AttributeNames", {"All"}}});
  ASSERT_EQ(got["Messages"].size(), 1u);
  EXPECT_EQ(got["Messages"][0]["Attributes"]["MessageGroupId"], "my-group-id-1");
  // Recorded (test_fifo_topic_to_regular_sqs): a FIFO topic's group does not.
  std::string fifo = CreateTopic("f.fifo", {{"FifoTopic", "true"}});
  SubscribeQueue(fifo, CreateQueue("std"));
  Ok("Publish", {{"TopicArn", fifo},
                 {"Message", "m"},
                 {"MessageGroupId", "g"},
                 {"MessageDeduplicationId", "d"}});
  WaitIdle();
  got = Sqs("ReceiveMessage", {{"QueueUrl", QueueUrl("std")}, {"AttributeNames", {"All"}}});
  ASSERT_EQ(got["Messages"].size(), 1u);
  EXPECT_FALSE(got["Messages"][0]["Attributes"].contains("MessageGroupId"));
}

// Recorded (test_publish_sqs_from_sns_with_xray_propagation): the Publish request's X-Ray header
// becomes the queue message's AWSTraceHeader, raw or not.
TEST_F(PublishTest, XRayHeaderReachesTheQueueAsAWSTraceHeader) {
  const std::string trace =
      "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1";
  std::string topic = CreateTopic("t");
  SubscribeQueue(topic, CreateQueue("envelope"));
  SubscribeQueue(topic, CreateQueue("raw"), {{"RawMessageDelivery", "true"}});
  ctx_.trace_header = trace;
  Ok("Publish", {{"TopicArn", topic}, {"Message", "m"}});
  ctx_.trace_header.clear();
  WaitIdle();
  for (const char* queue : {"envelope", "raw"}) {
    json got = Sqs("ReceiveMessage", {{"QueueUrl", QueueUrl(queue)}, {"AttributeNames", {"All"}}});
    ASSERT_EQ(got["Messages"].size(), 1u) << queue;
    EXPECT_EQ(got["Messages"][0]["Attributes"]["AWSTraceHeader"], trace) << queue;
  }
}

TEST_F(PublishTest, FilterPoliciesBothScopes) {
  std::string topic = CreateTopic("t");
  SubscribeQueue(topic, CreateQueue("attrs"), {{"FilterPolicy", R"({"color":["red"]})"}});
  SubscribeQueue(topic, CreateQueue("body"),
                 {{"FilterPolicy", R"({"size":[{"numeric":[">",10]}]})"},
                  {"FilterPolicyScope", "MessageBody"}});
  Ok("Publish",
     {{"TopicArn", topic},
      {"Message", R"({"size":5})"},
      {"MessageAttributes", {{"color", {{"DataType", "String"}, {"StringValue", "red"}}}}}});
  Ok("Publish",
     {{"TopicArn", topic},
      {"Message", R"({"size":50})"},
      {"MessageAttributes", {{"color", {{"DataType", "String"}, {"StringValue", "blue"}}}}}});
  json a = Receive("attrs"), b = Receive("body");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(json::parse(a[0]["Body"].get<std::string>())["Message"], R"({"size":5})");
  EXPECT_EQ(json::parse(b[0]["Body"].get<std::string>())["Message"], R"({"size":50})");
}

TEST_F(PublishTest, MessageStructurePerProtocol) {
  std::string topic = CreateTopic("t");
  SubscribeQueue(topic, CreateQueue("q"));
  Ok("Subscribe", {{"TopicArn", topic}, {"Protocol", "sms"}, {"Endpoint", "+15550001111"}});
  Ok("Publish", {{"TopicArn", topic},
                 {"MessageStructure", "json"},
                 {"Message", R"({"default":"d","sqs":"for sqs"})"}});
  EXPECT_EQ(json::parse(Receive("q")[0]["Body"].get<std::string>())["Message"], "for sqs");
  EXPECT_EQ(AdminGet("/outbox", {{"endpoint", "+15550001111"}}).value()["messages"][0]["message"],
            "d");
  EXPECT_EQ(Err("Publish",
                {{"TopicArn", topic}, {"MessageStructure", "json"}, {"Message", R"({"sqs":"x"})"}},
                "InvalidParameter")
                .message,
            "Invalid parameter: Message Structure - No default entry in JSON message body");
  EXPECT_EQ(Err("Publish", {{"TopicArn", topic}, {"MessageStructure", "json"}, {"Message", "{x"}},
                "InvalidParameter")
                .message,
            "Invalid parameter: Message Structure - JSON message body failed to parse");
}

TEST_F(PublishTest, Validation) {
  std::string topic = CreateTopic("t");
  EXPECT_EQ(Err("Publish", {{"TopicArn", topic}, {"Message", ""}}, "InvalidParameter").message,
            "Invalid parameter: Empty message");
  EXPECT_EQ(Err("Publish", {{"TopicArn", topic}, {"Message", std::string(262145, 'a')}},
                "InvalidParameter")
                .message,
            "Invalid parameter: Message too long");
  EXPECT_EQ(Err("Publish", {{"TopicArn", topic}, {"Message", "m"}, {"Subject", "a\nb"}},
                "InvalidParameter")
                .message,
            "Invalid parameter: Subject");
  EXPECT_EQ(Err("Publish",
                {{"TopicArn", topic},
                 {"Message", "m"},
                 {"MessageAttributes", {{"attr1", {{"DataType", "String"}}}}}},
                "ParameterValueInvalid")
                .message,
            "The message attribute 'attr1' must contain non-empty message attribute value for "
            "message attribute type 'String'.");
  EXPECT_EQ(Err("Publish",
                {{"TopicArn", topic},
                 {"Message", "m"},
                 {"MessageAttributes", {{"attr1", {{"StringValue", "x"}}}}}},
                "ValidationError")
                .message,
            "1 validation error detected: Value null at 'messageAttributes.attr1.member.dataType' "
            "failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(Err("Publish",
                {{"TopicArn", topic},
                 {"Message", "m"},
                 {"MessageAttributes", {{"a^b", {{"DataType", "String"}, {"StringValue", "x"}}}}}},
                "ParameterValueInvalid")
                .message,
            "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. "
            "Can only include alphanumeric characters, hyphens, underscores, or dots.");
  Err("Publish", {{"TopicArn", topic}, {"Message", "m"}, {"MessageDeduplicationId", "d"}},
      "InvalidParameter");
  Err("Publish", {{"TopicArn", topic + "x"}, {"Message", "m"}}, "NotFound");
}

TEST_F(PublishTest, FifoTopicToFifoQueue) {
  std::string topic = CreateTopic("t.fifo", {{"FifoTopic", "true"}});
  std::string q = CreateQueue("q.fifo", {{"FifoQueue", "true"}});
  SubscribeQueue(topic, q);
  Err("Publish", {{"TopicArn", topic}, {"Message", "m"}}, "InvalidParameter");
  EXPECT_EQ(Err("Publish", {{"TopicArn", topic}, {"Message", "m"}, {"MessageGroupId", "g"}},
                "InvalidParameter")
                .message,
            "Invalid parameter: The topic should either have ContentBasedDeduplication enabled "
            "or MessageDeduplicationId provided explicitly");
  json r1 = Ok("Publish", {{"TopicArn", topic},
                           {"Message", "m"},
                           {"MessageGroupId", "g"},
                           {"MessageDeduplicationId", "d1"}});
  json r2 = Ok("Publish", {{"TopicArn", topic},
                           {"Message", "m"},
                           {"MessageGroupId", "g"},
                           {"MessageDeduplicationId", "d1"}});
  EXPECT_EQ(r1["MessageId"], r2["MessageId"]);
  EXPECT_EQ(r1["SequenceNumber"].get<std::string>().size(), 20u);
  WaitIdle();
  json msgs = Sqs("ReceiveMessage", {{"QueueUrl", QueueUrl("q.fifo")},
                                     {"MaxNumberOfMessages", 10},
                                     {"AttributeNames", {"All"}}})["Messages"];
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["Attributes"]["MessageGroupId"], "g");
  EXPECT_EQ(msgs[0]["Attributes"]["MessageDeduplicationId"], "d1");
  Err("Subscribe", {{"TopicArn", CreateTopic("std")}, {"Protocol", "sqs"}, {"Endpoint", q}},
      "InvalidParameter");
}

// Publishes 40 messages from each of two threads at once to message group "g" of FIFO topic
// `topic` (thread a's with the attribute sign=yes), then reads `queue` to the end: the messages
// must come in the order of the SequenceNumbers that Publish answered.
void PublishFromTwoThreadsAndExpectOrder(SnsFixture& f, const std::string& topic,
                                         const std::string& queue) {
  constexpr int kPerThread = 40;
  std::mutex mu;
  std::map<std::string, std::string> sequence_of;  // message -> SequenceNumber from Publish
  auto publish = [&](const std::string& who) {
    for (int i = 0; i < kPerThread; ++i) {
      const std::string text = who + std::to_string(i);
      json in = {{"TopicArn", topic},
                 {"Message", text},
                 {"MessageGroupId", "g"},
                 {"MessageDeduplicationId", text}};
      if (who == "a") {
        in["MessageAttributes"] = {{"sign", {{"DataType", "String"}, {"StringValue", "yes"}}}};
      }
      json r = f.OkPublic("Publish", in);
      std::lock_guard lock(mu);
      sequence_of[text] = r.value("SequenceNumber", "");
    }
  };
  std::thread a(publish, "a"), b(publish, "b");
  a.join();
  b.join();
  f.WaitIdle();
  std::string last;
  int seen = 0;
  for (int round = 0; round < 2 * kPerThread && seen < 2 * kPerThread; ++round) {
    json msgs = f.Sqs("ReceiveMessage",
                      {{"QueueUrl", f.QueueUrl(queue)}, {"MaxNumberOfMessages", 10}})["Messages"];
    ASSERT_FALSE(msgs.empty()) << "after " << seen << " messages";
    for (const json& m : msgs) {
      std::string text = m["Body"];
      if (text.front() == '{') text = json::parse(text)["Message"];  // an SNS envelope
      const std::string& seq = sequence_of[text];
      EXPECT_LT(last, seq) << "message " << seen << ": " << text;  // same width: text order
      last = seq;
      ++seen;
      f.Sqs("DeleteMessage",
            {{"QueueUrl", f.QueueUrl(queue)}, {"ReceiptHandle", m["ReceiptHandle"]}});
    }
  }
  EXPECT_EQ(seen, 2 * kPerThread);
}

// Each publish is numbered under the engine's lock, and the queue must get them in that order
// although their envelopes are signed (slowly) after the lock is released.
TEST_F(PublishTest, FifoTopicKeepsSequenceOrderAcrossConcurrentPublishers) {
  std::string topic = CreateTopic("t.fifo", {{"FifoTopic", "true"}});
  SubscribeQueue(topic, CreateQueue("q.fifo", {{"FifoQueue", "true"}}));
  PublishFromTwoThreadsAndExpectOrder(*this, topic, "q.fifo");
}

// A publish that needs no signature (thread b's reach only the raw subscription) must not
// overtake an earlier one of the same group that is still being signed for another
// subscription.
TEST_F(PublishTest, FifoPublishWithoutEnvelopeWaitsForEarlierSignedOnes) {
  std::string topic = CreateTopic("t.fifo", {{"FifoTopic", "true"}});
  SubscribeQueue(topic, CreateQueue("raw.fifo", {{"FifoQueue", "true"}}),
                 {{"RawMessageDelivery", "true"}});
  SubscribeQueue(topic, CreateQueue("signed.fifo", {{"FifoQueue", "true"}}),
                 {{"FilterPolicy", R"({"sign":["yes"]})"}});
  PublishFromTwoThreadsAndExpectOrder(*this, topic, "raw.fifo");
}

TEST_F(PublishTest, PublishBatch) {
  std::string topic = CreateTopic("t");
  SubscribeQueue(topic, CreateQueue("q"), {{"RawMessageDelivery", "true"}});
  json r =
      Ok("PublishBatch", {{"TopicArn", topic},
                          {"PublishBatchRequestEntries",
                           {{{"Id", "a"}, {"Message", "1"}}, {{"Id", "b"}, {"Message", "2"}}}}});
  EXPECT_EQ(r["Successful"].size(), 2u);
  EXPECT_EQ(Receive("q").size(), 2u);
  Err("PublishBatch",
      {{"TopicArn", topic},
       {"PublishBatchRequestEntries",
        {{{"Id", "a"}, {"Message", "1"}}, {{"Id", "a"}, {"Message", "2"}}}}},
      "BatchEntryIdsNotDistinct");
  json many = json::array();
  for (int i = 0; i < 11; ++i) many.push_back({{"Id", std::to_string(i)}, {"Message", "m"}});
  Err("PublishBatch", {{"TopicArn", topic}, {"PublishBatchRequestEntries", many}},
      "TooManyEntriesInBatchRequest");
  EXPECT_EQ(Err("PublishBatch",
                {{"TopicArn", topic},
                 {"PublishBatchRequestEntries", {{{"Id", "message.id"}, {"Message", "1"}}}}},
                "InvalidBatchEntryId")
                .message,
            "The Id of a batch entry in the batch request contains an impermissible character: "
            "message.id");
}

// The batch limit counts the entries' attributes (names, types and values) with their messages:
// one byte over with an attribute is refused, at the limit goes through (recorded).
TEST_F(PublishTest, PublishBatchSizeCountsAttributes) {
  std::string topic = CreateTopic("t");
  const json attrs = {{"attr1", {{"DataType", "Number"}, {"StringValue", "1"}}}};
  const size_t attrs_bytes = std::string("attr1").size() + std::string("Number").size() + 1;
  const auto batch = [&](size_t first_size) {
    return json{
        {"TopicArn", topic},
        {"PublishBatchRequestEntries",
         {{{"Id", "1"}, {"Message", std::string(first_size, 'a')}, {"MessageAttributes", attrs}},
          {{"Id", "2"}, {"Message", "b"}}}}};
  };
  EXPECT_EQ(Err("PublishBatch", batch(262144 - attrs_bytes), "BatchRequestTooLong").message,
            "The length of all the messages put together is more than the limit.");
  EXPECT_EQ(Ok("PublishBatch", batch(262144 - attrs_bytes - 1))["Successful"].size(), 2u);
}

TEST_F(PublishTest, MissingQueueGoesToDlq) {
  std::string topic = CreateTopic("t");
  std::string dlq = CreateQueue("dlq");
  std::string gone = CreateQueue("gone");
  std::string sub =
      SubscribeQueue(topic, gone, {{"RedrivePolicy", json{{"deadLetterTargetArn", dlq}}.dump()}});
  Sqs("DeleteQueue", {{"QueueUrl", QueueUrl("gone")}});
  Ok("Publish", {{"TopicArn", topic}, {"Message", "lost"}});
  json msgs = ReceiveWait("dlq");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(json::parse(msgs[0]["Body"].get<std::string>())["Message"], "lost");
  ASSERT_TRUE(WaitForLog(sub, "dead-lettered", 1));
  json log = AdminGet("/deliveries", {{"subscription", sub}}).value()["deliveries"];
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["status"], "dead-lettered");
}

TEST_F(PublishTest, QueuePolicyThatDeniesSnsSendsToDlq) {
  std::string topic = CreateTopic("t");
  std::string dlq = CreateQueue("dlq");
  json deny = {{"Statement",
                {{{"Effect", "Deny"},
                  {"Principal", {{"Service", "sns.amazonaws.com"}}},
                  {"Action", "sqs:SendMessage"},
                  {"Resource", "*"}}}}};
  std::string closed = CreateQueue("closed", {{"Policy", deny.dump()}});
  std::string sub =
      SubscribeQueue(topic, closed, {{"RedrivePolicy", json{{"deadLetterTargetArn", dlq}}.dump()}});
  Ok("Publish", {{"TopicArn", topic}, {"Message", "refused"}});
  json msgs = ReceiveWait("dlq");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(json::parse(msgs[0]["Body"].get<std::string>())["Message"], "refused");
  ASSERT_TRUE(WaitForLog(sub, "dead-lettered", 1));
  EXPECT_EQ(Receive("closed").size(), 0u);
}

TEST_F(PublishTest, TopicOfAnotherAccountNeedsTheQueuePolicy) {
  std::string queue = CreateQueue("q");  // account 000000000000
  ctx_.account = "333333333333";
  std::string topic = CreateTopic("t");
  std::string sub = SubscribeQueue(topic, queue);
  Ok("Publish", {{"TopicArn", topic}, {"Message", "no grant"}});
  ASSERT_TRUE(WaitForLog(sub, "failed", 1));
  json allow = {{"Statement",
                 {{{"Effect", "Allow"},
                   {"Principal", {{"Service", "sns.amazonaws.com"}}},
                   {"Action", "sqs:SendMessage"},
                   {"Resource", queue},
                   {"Condition", {{"ArnEquals", {{"aws:SourceArn", topic}}}}}}}}};
  ctx_.account = "000000000000";
  Sqs("SetQueueAttributes",
      {{"QueueUrl", QueueUrl("q")}, {"Attributes", {{"Policy", allow.dump()}}}});
  ctx_.account = "333333333333";
  Ok("Publish", {{"TopicArn", topic}, {"Message", "granted"}});
  ctx_.account = "000000000000";
  json msgs = ReceiveWait("q");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(json::parse(msgs[0]["Body"].get<std::string>())["Message"], "granted");
}

TEST_F(PublishTest, OutboxProtocols) {
  std::string topic = CreateTopic("t");
  Ok("Subscribe", {{"TopicArn", topic},
                   {"Protocol", "lambda"},
                   {"Endpoint", "arn:aws:lambda:us-east-1:000000000000:function:f"}});
  Ok("Publish", {{"TopicArn", topic}, {"Message", "to lambda"}});
  json box = WaitForOutbox(1);
  ASSERT_EQ(box.size(), 1u);
  json event = json::parse(box[0]["message"].get<std::string>());
  EXPECT_EQ(event["Records"][0]["Sns"]["Message"], "to lambda");
}

}  // namespace
}  // namespace wharf::sns::testing
