#include "sqs_test_util.h"

namespace wharf::sqs::testing {
namespace {

using SqsQueues = SqsFixture;

TEST_F(SqsQueues, CreateIsIdempotentAndDetectsDifferences) {
  std::string url = CreateQueue("q1", {{"DelaySeconds", "5"}});
  EXPECT_EQ(url, "http://localhost:4566/000000000000/q1");
  EXPECT_EQ(CreateQueue("q1", {{"DelaySeconds", "5"}}), url);
  AwsError e = Err("CreateQueue", {{"QueueName", "q1"}, {"Attributes", {{"DelaySeconds", "6"}}}},
                   "QueueNameExists");
  EXPECT_EQ(e.QueryCode(), "QueueAlreadyExists");
  EXPECT_EQ(e.message,
            "A queue already exists with the same name and a different value for attribute "
            "DelaySeconds");
}

TEST_F(SqsQueues, NameRules) {
  Err("CreateQueue", {{"QueueName", "bad name"}}, "InvalidParameterValueException");
  Err("CreateQueue", {{"QueueName", std::string(81, 'a')}}, "InvalidParameterValueException");
  Err("CreateQueue", {{"QueueName", "nofifo"}, {"Attributes", {{"FifoQueue", "true"}}}},
      "InvalidParameterValueException");
  CreateQueue("ok.fifo", {{"FifoQueue", "true"}});
  Err("CreateQueue",
      {{"QueueName", "std"}, {"Attributes", {{"ContentBasedDeduplication", "true"}}}},
      "InvalidAttributeName");
}

TEST_F(SqsQueues, GetUrlListAndDelete) {
  std::string a = CreateQueue("alpha");
  CreateQueue("alpine");
  CreateQueue("beta");
  EXPECT_EQ(Ok("GetQueueUrl", {{"QueueName", "alpha"}})["QueueUrl"], a);
  Err("GetQueueUrl", {{"QueueName", "nope"}}, "QueueDoesNotExist");
  json all = Ok("ListQueues", json::object());
  EXPECT_EQ(all["QueueUrls"].size(), 3u);
  EXPECT_EQ(Ok("ListQueues", {{"QueueNamePrefix", "alp"}})["QueueUrls"].size(), 2u);
  json page = Ok("ListQueues", {{"MaxResults", 2}});
  ASSERT_EQ(page["QueueUrls"].size(), 2u);
  ASSERT_TRUE(page.contains("NextToken"));
  json rest = Ok("ListQueues", {{"MaxResults", 2}, {"NextToken", page["NextToken"]}});
  ASSERT_EQ(rest["QueueUrls"].size(), 1u);
  EXPECT_FALSE(rest.contains("NextToken"));
  Ok("DeleteQueue", {{"QueueUrl", a}});
  Err("GetQueueUrl", {{"QueueName", "alpha"}}, "QueueDoesNotExist");
  Err("CreateQueue", {{"QueueName", "alpha"}}, "QueueDeletedRecently");
  Advance(61'000);
  CreateQueue("alpha");
}

TEST_F(SqsQueues, QueuesArePerRegion) {
  std::string url = CreateQueue("q");
  ctx_.region = "eu-west-1";
  Err("GetQueueAttributes", {{"QueueUrl", url}}, "QueueDoesNotExist");
}

TEST_F(SqsQueues, AcceptsAnyHostInQueueUrl) {
  CreateQueue("q");
  Ok("GetQueueAttributes", {{"QueueUrl", "https://sqs.us-east-1.amazonaws.com/000000000000/q"}});
}

TEST_F(SqsQueues, AttributesRoundTripAndRanges) {
  std::string url = CreateQueue("q");
  json attrs =
      Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}})["Attributes"];
  EXPECT_EQ(attrs["VisibilityTimeout"], "30");
  EXPECT_EQ(attrs["MaximumMessageSize"], "1048576");
  EXPECT_EQ(attrs["MessageRetentionPeriod"], "345600");
  EXPECT_EQ(attrs["SqsManagedSseEnabled"], "true");
  EXPECT_EQ(attrs["QueueArn"], "arn:aws:sqs:us-east-1:000000000000:q");
  EXPECT_EQ(attrs["ApproximateNumberOfMessages"], "0");
  EXPECT_EQ(attrs["CreatedTimestamp"], "1700000000");
  Ok("SetQueueAttributes",
     {{"QueueUrl", url},
      {"Attributes",
       {{"VisibilityTimeout", "69"}, {"DelaySeconds", "420"}, {"MaximumMessageSize", "2048"}}}});
  attrs = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}})["Attributes"];
  EXPECT_EQ(attrs["VisibilityTimeout"], "69");
  EXPECT_EQ(attrs["DelaySeconds"], "420");
  AwsError e = Err("SetQueueAttributes",
                   {{"QueueUrl", url}, {"Attributes", {{"VisibilityTimeout", "43201"}}}},
                   "InvalidAttributeValue");
  EXPECT_EQ(e.message, "Invalid value for the parameter VisibilityTimeout.");
  e = Err("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"FifoQueue", "true"}}}},
          "InvalidAttributeName");
  EXPECT_EQ(e.message, "Unknown Attribute FifoQueue.");
  Err("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"Bogus"}}},
      "InvalidAttributeName");
}

TEST_F(SqsQueues, KmsAndSqsManagedSse) {
  std::string url = CreateQueue("q");
  Ok("SetQueueAttributes",
     {{"QueueUrl", url},
      {"Attributes", {{"KmsMasterKeyId", "testKeyId"}, {"KmsDataKeyReusePeriodSeconds", "6000"}}}});
  json a = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}})["Attributes"];
  EXPECT_EQ(a["SqsManagedSseEnabled"], "false");
  EXPECT_EQ(a["KmsDataKeyReusePeriodSeconds"], "6000");
  Err("SetQueueAttributes",
      {{"QueueUrl", url},
       {"Attributes", {{"KmsMasterKeyId", "k"}, {"SqsManagedSseEnabled", "true"}}}},
      "InvalidAttributeName");
}

TEST_F(SqsQueues, PurgeCooldown) {
  std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}});
  Ok("PurgeQueue", {{"QueueUrl", url}});
  EXPECT_TRUE(Receive(url).empty());
  AwsError e = Err("PurgeQueue", {{"QueueUrl", url}}, "PurgeQueueInProgress");
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.message, "Only one PurgeQueue operation on q is allowed every 60 seconds.");
  Advance(60'000);
  Ok("PurgeQueue", {{"QueueUrl", url}});
}

TEST_F(SqsQueues, Tags) {
  json in{{"QueueName", "q"}, {"tags", {{"tag1", "value1"}}}};
  std::string url = Ok("CreateQueue", in)["QueueUrl"];
  Ok("TagQueue", {{"QueueUrl", url}, {"Tags", {{"tag2", "value2"}, {"tag3", ""}}}});
  EXPECT_EQ(Ok("ListQueueTags", {{"QueueUrl", url}})["Tags"],
            json({{"tag1", "value1"}, {"tag2", "value2"}, {"tag3", ""}}));
  Ok("UntagQueue", {{"QueueUrl", url}, {"TagKeys", {"tag1", "tag2", "tag3"}}});
  EXPECT_FALSE(Ok("ListQueueTags", {{"QueueUrl", url}}).contains("Tags"));
}

TEST_F(SqsQueues, Permissions) {
  std::string url = CreateQueue("q");
  json add{{"QueueUrl", url},
           {"Label", "p1"},
           {"AWSAccountIds", {"111111111111"}},
           {"Actions", {"ReceiveMessage"}}};
  Ok("AddPermission", add);
  Err("AddPermission", add, "InvalidParameterValueException");
  json a = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"Policy"}}});
  json policy = json::parse(a["Attributes"]["Policy"].get<std::string>());
  EXPECT_EQ(policy["Statement"][0]["Sid"], "p1");
  EXPECT_EQ(policy["Statement"][0]["Action"], "SQS:ReceiveMessage");
  EXPECT_EQ(policy["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::111111111111:root");
  Ok("RemovePermission", {{"QueueUrl", url}, {"Label", "p1"}});
  EXPECT_FALSE(Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"Policy"}}})
                   .contains("Attributes"));
  AwsError e = Err("RemovePermission", {{"QueueUrl", url}, {"Label", "p1"}},
                   "InvalidParameterValueException");
  EXPECT_EQ(e.message, "Value p1 for parameter Label is invalid. Reason: can't find label.");
}

TEST_F(SqsQueues, UnknownOperationIsAnError) {
  auto r = Call("FlyToTheMoon", json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidAction");
}

TEST_F(SqsQueues, InitFileWithDlqChainInAnyOrder) {
  json section{
      {"queues",
       {{{"name", "src"},
         {"attributes",
          {{"RedrivePolicy",
            R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":2})"}}}},
        {{"name", "dlq"}, {"tags", {{"k", "v"}}}}}}};
  Status s = engine_->ApplyInit(section);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(engine_->Summary()["queues"], 2);
  Ok("GetQueueUrl", {{"QueueName", "src"}});
}

}  // namespace
}  // namespace wharf::sqs::testing
