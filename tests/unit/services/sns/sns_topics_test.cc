// Topics, subscriptions CRUD, listing, tags, permissions, platform and SMS operations.
#include "sns_test_util.h"
#include "wharf/core/encoding.h"

namespace wharf::sns::testing {
namespace {

using TopicsTest = SnsFixture;

TEST_F(TopicsTest, CreateIsIdempotentAndChecksAttributes) {
  std::string arn = CreateTopic("t1", {{"DisplayName", "x"}});
  EXPECT_EQ(arn, "arn:aws:sns:us-east-1:000000000000:t1");
  EXPECT_EQ(CreateTopic("t1", {{"DisplayName", "x"}}), arn);
  auto e = Err("CreateTopic", {{"Name", "t1"}, {"Attributes", {{"DisplayName", "y"}}}},
               "InvalidParameter");
  EXPECT_EQ(e.message,
            "Invalid parameter: Attributes Reason: Topic already exists with different attributes");
  Ok("CreateTopic", {{"Name", "t2"}, {"Tags", {{{"Key", "a"}, {"Value", "1"}}}}});
  e = Err("CreateTopic", {{"Name", "t2"}, {"Tags", {{{"Key", "a"}, {"Value", "2"}}}}},
          "InvalidParameter");
  EXPECT_EQ(e.message, "Invalid parameter: Tags Reason: Topic already exists with different tags");
}

TEST_F(TopicsTest, NameRulesAndFifo) {
  EXPECT_EQ(Err("CreateTopic", {{"Name", "bad name"}}, "InvalidParameter").message,
            "Invalid parameter: Topic Name");
  Err("CreateTopic", {{"Name", "x.fifo"}}, "InvalidParameter");
  Err("CreateTopic", {{"Name", std::string(257, 'a')}}, "InvalidParameter");
  std::string arn = CreateTopic("f.fifo", {{"FifoTopic", "true"}});
  json a = Ok("GetTopicAttributes", {{"TopicArn", arn}})["Attributes"];
  EXPECT_EQ(a["FifoTopic"], "true");
  EXPECT_EQ(a["ContentBasedDeduplication"], "false");
  Err("CreateTopic", {{"Name", "s"}, {"Attributes", {{"ContentBasedDeduplication", "true"}}}},
      "InvalidParameter");
}

TEST_F(TopicsTest, AttributesAreComputed) {
  std::string arn = CreateTopic("t");
  std::string q = CreateQueue("q");
  SubscribeQueue(arn, q);
  Ok("Subscribe", {{"TopicArn", arn}, {"Protocol", "email"}, {"Endpoint", "a@b.c"}});
  json a = Ok("GetTopicAttributes", {{"TopicArn", arn}})["Attributes"];
  EXPECT_EQ(a["Owner"], "000000000000");
  EXPECT_EQ(a["SubscriptionsConfirmed"], "1");
  EXPECT_EQ(a["SubscriptionsPending"], "1");
  EXPECT_EQ(a["SubscriptionsDeleted"], "0");
  json policy = json::parse(a["Policy"].get<std::string>());
  EXPECT_EQ(policy["Statement"][0]["Resource"], arn);
  json edp = json::parse(a["EffectiveDeliveryPolicy"].get<std::string>());
  EXPECT_EQ(edp["http"]["defaultHealthyRetryPolicy"]["numRetries"], 3);
  Ok("SetTopicAttributes",
     {{"TopicArn", arn}, {"AttributeName", "DisplayName"}, {"AttributeValue", "D"}});
  EXPECT_EQ(Ok("GetTopicAttributes", {{"TopicArn", arn}})["Attributes"]["DisplayName"], "D");
  Err("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "Nope"}, {"AttributeValue", "1"}},
      "InvalidParameter");
  EXPECT_FALSE(a.contains("SignatureVersion"));  // recorded: shown only once set
  // Recorded (test_topic_delivery_policy_crud): AWS stores the DeliveryPolicy normalized.
  const auto delivery_policy = [&](const json& set) {
    Ok("SetTopicAttributes",
       {{"TopicArn", arn}, {"AttributeName", "DeliveryPolicy"}, {"AttributeValue", set.dump()}});
    json got = Ok("GetTopicAttributes", {{"TopicArn", arn}})["Attributes"];
    return std::pair{json::parse(got["DeliveryPolicy"].get<std::string>()),
                     json::parse(got["EffectiveDeliveryPolicy"].get<std::string>())};
  };
  auto [stored, effective] = delivery_policy(
      {{"http", {{"defaultRequestPolicy", {{"headerContentType", "application/json"}}}}}});
  EXPECT_EQ(stored, json({{"http",
                           {{"defaultRequestPolicy", {{"headerContentType", "application/json"}}},
                            {"disableSubscriptionOverrides", false}}}}));
  std::tie(stored, effective) =
      delivery_policy({{"http", {{"defaultHealthyRetryPolicy", nullptr}}}});
  EXPECT_EQ(stored, json({{"http", {{"disableSubscriptionOverrides", false}}}}));
  EXPECT_EQ(effective["http"]["defaultHealthyRetryPolicy"]["numRetries"], 3);
}

TEST_F(TopicsTest, NotFoundAndMalformedArn) {
  auto e = Err("GetTopicAttributes", {{"TopicArn", "arn:aws:sns:us-east-1:000000000000:nope"}},
               "NotFound");
  EXPECT_EQ(e.message, "Topic does not exist");
  EXPECT_EQ(e.http_status, 404);
  e = Err("GetTopicAttributes", {{"TopicArn", "nope"}}, "InvalidParameter");
  EXPECT_EQ(e.message,
            "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1");
  // Recorded (test_publish_wrong_arn_format): an empty TopicArn is a malformed one.
  e = Err("Publish", {{"TopicArn", ""}, {"Message", "m"}}, "InvalidParameter");
  EXPECT_EQ(e.message,
            "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1");
  e = Err("Publish", {{"Message", "m"}}, "InvalidParameter");
  EXPECT_EQ(e.message,
            "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
}

TEST_F(TopicsTest, ListTopicsPagesBy100) {
  for (int i = 0; i < 105; ++i) {
    std::string name = "t";
    name += std::to_string(i);
    CreateTopic(name);
  }
  json p1 = Ok("ListTopics", json::object());
  ASSERT_EQ(p1["Topics"].size(), 100u);
  ASSERT_TRUE(p1.contains("NextToken"));
  json p2 = Ok("ListTopics", {{"NextToken", p1["NextToken"]}});
  EXPECT_EQ(p2["Topics"].size(), 5u);
  EXPECT_FALSE(p2.contains("NextToken"));
}

// Recorded (test_list_subscriptions_by_topic_pagination): pages of 100, the NextToken in base64.
TEST_F(TopicsTest, ListSubscriptionsByTopicPagesBy100WithBase64Tokens) {
  std::string arn = CreateTopic("t");
  for (int i = 0; i < 101; ++i) {
    Ok("Subscribe",
       {{"TopicArn", arn}, {"Protocol", "sms"}, {"Endpoint", "+12312312" + std::to_string(i)}});
  }
  json p1 = Ok("ListSubscriptionsByTopic", {{"TopicArn", arn}});
  ASSERT_EQ(p1["Subscriptions"].size(), 100u);
  const std::string token = p1.value("NextToken", "");
  EXPECT_TRUE(Base64Decode(token).has_value()) << token;
  json p2 = Ok("ListSubscriptionsByTopic", {{"TopicArn", arn}, {"NextToken", token}});
  ASSERT_EQ(p2["Subscriptions"].size(), 1u);
  EXPECT_FALSE(p2.contains("NextToken"));
  for (const json& s : p1["Subscriptions"]) {
    EXPECT_NE(s["SubscriptionArn"], p2["Subscriptions"][0]["SubscriptionArn"]);
  }
}

TEST_F(TopicsTest, DeleteTopicRemovesSubscriptions) {
  std::string arn = CreateTopic("t");
  std::string sub = SubscribeQueue(arn, CreateQueue("q"));
  Ok("DeleteTopic", {{"TopicArn", arn}});
  Err("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}, "NotFound");
  EXPECT_TRUE(Ok("ListSubscriptions", json::object())["Subscriptions"].empty());
}

TEST_F(TopicsTest, TagsAndPermissions) {
  std::string arn = CreateTopic("t");
  Ok("TagResource", {{"ResourceArn", arn}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}});
  EXPECT_EQ(Ok("ListTagsForResource", {{"ResourceArn", arn}})["Tags"][0]["Key"], "k");
  Ok("UntagResource", {{"ResourceArn", arn}, {"TagKeys", {"k"}}});
  EXPECT_TRUE(Ok("ListTagsForResource", {{"ResourceArn", arn}})["Tags"].empty());
  Err("TagResource",
      {{"ResourceArn", arn},
       {"Tags", {{{"Key", "k"}, {"Value", "1"}}, {{"Key", "k"}, {"Value", "2"}}}}},
      "InvalidParameter");
  json add = {{"TopicArn", arn},
              {"Label", "L"},
              {"AWSAccountId", {"111111111111"}},
              {"ActionName", {"Publish"}}};
  Ok("AddPermission", add);
  EXPECT_EQ(Err("AddPermission", add, "InvalidParameter").message,
            "Invalid parameter: Statement already exists");
  // Recorded (test_add_permission_errors): only SNS actions.
  json unknown = add;
  unknown["Label"] = "other";
  unknown["ActionName"] = {"InvalidAction"};
  EXPECT_EQ(Err("AddPermission", unknown, "InvalidParameter").message,
            "Invalid parameter: Policy statement action out of service scope!");
  json policy = json::parse(
      Ok("GetTopicAttributes", {{"TopicArn", arn}})["Attributes"]["Policy"].get<std::string>());
  ASSERT_EQ(policy["Statement"].size(), 2u);
  EXPECT_EQ(policy["Statement"][1]["Action"], "SNS:Publish");
  Ok("RemovePermission", {{"TopicArn", arn}, {"Label", "L"}});
  policy = json::parse(
      Ok("GetTopicAttributes", {{"TopicArn", arn}})["Attributes"]["Policy"].get<std::string>());
  EXPECT_EQ(policy["Statement"].size(), 1u);
}

TEST_F(TopicsTest, SubscriptionAttributes) {
  std::string arn = CreateTopic("t");
  std::string q = CreateQueue("q");
  auto e = Err("Subscribe",
               {{"TopicArn", arn},
                {"Protocol", "sqs"},
                {"Endpoint", q},
                {"Attributes", {{"RawMessageDelivery", "wrongvalue"}}}},
               "InvalidParameter");
  EXPECT_EQ(e.message,
            "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value "
            "[wrongvalue]. Must be true or false.");
  std::string sub = SubscribeQueue(arn, q, {{"RawMessageDelivery", "true"}});
  EXPECT_EQ(SubscribeQueue(arn, q), sub);  // idempotent
  // Recorded (test_validations_for_fifo): a standard queue on a FIFO topic may have a standard
  // DLQ; a FIFO queue's subscription needs a FIFO one.
  std::string fifo_topic = CreateTopic("f.fifo", {{"FifoTopic", "true"}});
  std::string fifo_sub = SubscribeQueue(fifo_topic, q);
  Ok("SetSubscriptionAttributes", {{"SubscriptionArn", fifo_sub},
                                   {"AttributeName", "RedrivePolicy"},
                                   {"AttributeValue", json{{"deadLetterTargetArn", q}}.dump()}});
  json a = Ok("GetSubscriptionAttributes", {{"SubscriptionArn", sub}})["Attributes"];
  EXPECT_EQ(a["RawMessageDelivery"], "true");
  EXPECT_EQ(a["PendingConfirmation"], "false");
  EXPECT_EQ(a["Protocol"], "sqs");
  EXPECT_EQ(a["Endpoint"], q);
  Err("SetSubscriptionAttributes",
      {{"SubscriptionArn", sub}, {"AttributeName", "Bogus"}, {"AttributeValue", "x"}},
      "InvalidParameter");
  e = Err("SetSubscriptionAttributes",
          {{"SubscriptionArn", sub},
           {"AttributeName", "RedrivePolicy"},
           {"AttributeValue", R"({"deadLetterTargetArn":"nope"})"}},
          "InvalidParameter");
  EXPECT_EQ(e.message, "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn");
  // Recorded (test_validate_set_sub_attributes): the JSON error is Jackson's, as for FilterPolicy.
  e = Err("SetSubscriptionAttributes",
          {{"SubscriptionArn", sub},
           {"AttributeName", "RedrivePolicy"},
           {"AttributeValue", "{invalid-json}"}},
          "InvalidParameter");
  EXPECT_EQ(e.message,
            "Invalid parameter: RedrivePolicy: failed to parse JSON. Unexpected character ('i' "
            "(code 105)): was expecting double-quote to start field name\n at [Source: REDACTED "
            "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]");
  Err("SetSubscriptionAttributes",
      {{"SubscriptionArn", sub}, {"AttributeName", "FilterPolicy"}, {"AttributeValue", "{bad"}},
      "InvalidParameter");
  Ok("SetSubscriptionAttributes", {{"SubscriptionArn", sub},
                                   {"AttributeName", "FilterPolicy"},
                                   {"AttributeValue", R"({"k":["v"]})"}});
  EXPECT_EQ(
      Ok("GetSubscriptionAttributes", {{"SubscriptionArn", sub}})["Attributes"]["FilterPolicy"],
      R"({"k":["v"]})");
  Err("Subscribe", {{"TopicArn", arn}, {"Protocol", "test-protocol"}, {"Endpoint", "x"}},
      "InvalidParameter");
  EXPECT_EQ(Err("Subscribe", {{"TopicArn", arn}, {"Protocol", "sqs"}, {"Endpoint", "x"}},
                "InvalidParameter")
                .message,
            "Invalid parameter: SQS endpoint ARN");
  Err("Subscribe", {{"TopicArn", arn}, {"Protocol", "sqs"}, {"Endpoint", q + "x.fifo"}},
      "InvalidParameter");
  Ok("Unsubscribe", {{"SubscriptionArn", sub}});
  Err("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}, "NotFound");
  EXPECT_EQ(Ok("GetTopicAttributes", {{"TopicArn", arn}})["Attributes"]["SubscriptionsDeleted"],
            "1");
}

TEST_F(TopicsTest, PendingConfirmationForEmail) {
  std::string arn = CreateTopic("t");
  json r = Ok("Subscribe", {{"TopicArn", arn}, {"Protocol", "email"}, {"Endpoint", "a@b.c"}});
  EXPECT_EQ(r["SubscriptionArn"], "pending confirmation");
  json box = AdminGet("/outbox").value()["messages"];
  ASSERT_EQ(box.size(), 1u);
  EXPECT_EQ(box[0]["type"], "SubscriptionConfirmation");
  std::string token = box[0]["token"];
  EXPECT_EQ(
      Err("ConfirmSubscription", {{"TopicArn", arn}, {"Token", "bad"}}, "InvalidParameter").message,
      "Invalid parameter: Token");
  // Recorded (test_subscribe_external_http_endpoint): the right token with a topic ARN of another
  // region.
  std::string other_region = arn;
  other_region.replace(other_region.find("us-east-1"), 9, "eu-central-1");
  EXPECT_EQ(
      Err("ConfirmSubscription", {{"TopicArn", other_region}, {"Token", token}}, "InvalidParameter")
          .message,
      "Invalid parameter: Topic");
  std::string sub =
      Ok("ConfirmSubscription", {{"TopicArn", arn}, {"Token", token}})["SubscriptionArn"];
  EXPECT_EQ(Ok("GetSubscriptionAttributes",
               {{"SubscriptionArn", sub}})["Attributes"]["PendingConfirmation"],
            "false");
  EXPECT_EQ(
      Ok("ListSubscriptionsByTopic", {{"TopicArn", arn}})["Subscriptions"][0]["SubscriptionArn"],
      sub);
}

TEST_F(TopicsTest, DataProtectionPolicy) {
  std::string arn = CreateTopic("t");
  EXPECT_FALSE(
      Ok("GetDataProtectionPolicy", {{"ResourceArn", arn}}).contains("DataProtectionPolicy"));
  Ok("PutDataProtectionPolicy", {{"ResourceArn", arn}, {"DataProtectionPolicy", R"({"a":1})"}});
  EXPECT_EQ(Ok("GetDataProtectionPolicy", {{"ResourceArn", arn}})["DataProtectionPolicy"],
            R"({"a":1})");
}

// Recorded (test_subscribe_sms_obscure_phone_number, test_subscribe_invalid_sms,
// test_subscribe_bad_sms): single separators may group the digits.
TEST_F(TopicsTest, SmsEndpointsMayGroupTheirDigits) {
  std::string topic = CreateTopic("t");
  for (const char* ok : {"+123123123", "+12/34-567.890"}) {
    Ok("Subscribe", {{"TopicArn", topic}, {"Protocol", "sms"}, {"Endpoint", ok}});
  }
  for (const char* bad : {"+15--551234567", "NAA+15551234567", "+15551234567.", "/+15551234567",
                          "invalid-number", "+1234567890123456"}) {
    EXPECT_EQ(Err("Subscribe", {{"TopicArn", topic}, {"Protocol", "sms"}, {"Endpoint", bad}},
                  "InvalidParameter")
                  .message,
              std::string("Invalid SMS endpoint: ") + bad);
  }
}

TEST_F(TopicsTest, PlatformApplicationsAndEndpoints) {
  Err("CreatePlatformApplication",
      {{"Name", "a"}, {"Platform", "AAA"}, {"Attributes", json::object()}}, "InvalidParameter");
  // Recorded (test_create_platform_application_invalid_attributes): ADM needs both halves.
  EXPECT_EQ(Err("CreatePlatformApplication",
                {{"Name", "a"}, {"Platform", "ADM"}, {"Attributes", {{"PlatformCredential", "s"}}}},
                "InvalidParameter")
                .message,
            "Invalid parameter: Attributes Reason: PlatformCredential attribute provided without "
            "PlatformPrincipal");
  EXPECT_EQ(Err("CreatePlatformApplication",
                {{"Name", "a"}, {"Platform", "ADM"}, {"Attributes", {{"PlatformPrincipal", "id"}}}},
                "InvalidParameter")
                .message,
            "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without "
            "PlatformCredential");
  std::string app = Ok("CreatePlatformApplication",
                       {{"Name", "app"},
                        {"Platform", "GCM"},
                        {"Attributes", {{"PlatformCredential", "k"}}}})["PlatformApplicationArn"];
  EXPECT_EQ(app, "arn:aws:sns:us-east-1:000000000000:app/GCM/app");
  std::string ep = Ok("CreatePlatformEndpoint",
                      {{"PlatformApplicationArn", app}, {"Token", "tok"}})["EndpointArn"];
  EXPECT_EQ(Ok("CreatePlatformEndpoint",
               {{"PlatformApplicationArn", app}, {"Token", "tok"}})["EndpointArn"],
            ep);
  EXPECT_EQ(Ok("GetEndpointAttributes", {{"EndpointArn", ep}})["Attributes"]["Enabled"], "true");
  Ok("Publish", {{"TargetArn", ep}, {"Message", "push"}});
  json box = AdminGet("/outbox", {{"endpoint", ep}}).value()["messages"];
  ASSERT_EQ(box.size(), 1u);
  EXPECT_EQ(box[0]["message"], "push");
  Ok("SetEndpointAttributes", {{"EndpointArn", ep}, {"Attributes", {{"Enabled", "false"}}}});
  Err("Publish", {{"TargetArn", ep}, {"Message", "push"}}, "EndpointDisabled");
  EXPECT_EQ(Ok("ListEndpointsByPlatformApplication", {{"PlatformApplicationArn", app}})["Endpoints"]
                .size(),
            1u);
  Ok("DeletePlatformApplication", {{"PlatformApplicationArn", app}});
  Err("GetEndpointAttributes", {{"EndpointArn", ep}}, "NotFound");
}

// Recorded (test_create_platform_endpoint_double_custom_data,
// test_set_platform_endpoint_attributes_invalid_attributes).
TEST_F(TopicsTest, EndpointCustomUserData) {
  std::string app = Ok("CreatePlatformApplication",
                       {{"Name", "app"},
                        {"Platform", "GCM"},
                        {"Attributes", {{"PlatformCredential", "k"}}}})["PlatformApplicationArn"];
  std::string ep = Ok("CreatePlatformEndpoint", {{"PlatformApplicationArn", app},
                                                 {"Token", "t1"},
                                                 {"Attributes", {{"CustomUserData", "foo"}}},
                                                 {"CustomUserData", "bar"}})["EndpointArn"];
  EXPECT_EQ(Ok("GetEndpointAttributes", {{"EndpointArn", ep}})["Attributes"]["CustomUserData"],
            "foo");
  AwsError e =
      Err("SetEndpointAttributes",
          {{"EndpointArn", ep}, {"Attributes", {{"CustomUserData", std::string(2050, 'A')}}}},
          "InvalidParameter");
  EXPECT_EQ(e.message,
            "Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData: "
            "must be at most 2048 bytes long in UTF-8 encoding");
}

// Recorded (test_sns_confirm_subscription_wrong_token, test_subscribe_external_http_endpoint):
// the token decides which subscription is confirmed.
TEST_F(TopicsTest, ConfirmSubscriptionByToken) {
  std::string arn = CreateTopic("t");
  Ok("Subscribe", {{"TopicArn", arn}, {"Protocol", "email"}, {"Endpoint", "a@b.c"}});
  std::string token = AdminGet("/outbox").value()["messages"][0]["token"];
  EXPECT_EQ(
      Err("ConfirmSubscription", {{"TopicArn", arn}, {"Token", "randomtoken"}}, "InvalidParameter")
          .message,
      "Invalid token");
  EXPECT_EQ(Err("ConfirmSubscription", {{"TopicArn", arn + "x"}, {"Token", std::string(288, 'a')}},
                "InvalidParameter")
                .message,
            "Invalid parameter: Token");
  EXPECT_EQ(
      Err("ConfirmSubscription", {{"TopicArn", "not-an-arn"}, {"Token", token}}, "InvalidParameter")
          .message,
      "Invalid parameter: Topic");
  // Another topic name with the right token still confirms it.
  json r = Ok("ConfirmSubscription", {{"TopicArn", arn + "x"}, {"Token", token}});
  EXPECT_EQ(r["SubscriptionArn"].get<std::string>().rfind(arn + ":", 0), 0u);
}

TEST_F(TopicsTest, SmsSettingsSandboxAndPublish) {
  EXPECT_EQ(Err("SetSMSAttributes", {{"attributes", {{"DefaultSendID", "x"}}}}, "InvalidParameter")
                .message,
            "DefaultSendID is not a valid attribute");
  Ok("SetSMSAttributes", {{"attributes", {{"DefaultSMSType", "Transactional"}}}});
  // Recorded (test_set_get_sms_attributes, test_get_sms_attributes_from_unmodified_region):
  // MonthlySpendLimit is "1" until set, and the attributes belong to the region.
  EXPECT_EQ(Ok("GetSMSAttributes", json::object())["attributes"],
            json({{"DefaultSMSType", "Transactional"}, {"MonthlySpendLimit", "1"}}));
  ctx_.region = "us-west-1";
  EXPECT_EQ(Ok("GetSMSAttributes", json::object())["attributes"],
            json({{"MonthlySpendLimit", "1"}}));
  ctx_.region = "us-east-1";
  Ok("CreateSMSSandboxPhoneNumber", {{"PhoneNumber", "+15551234567"}});
  std::string code = AdminGet("/sms-sandbox").value()["phoneNumbers"][0]["OneTimePassword"];
  Err("VerifySMSSandboxPhoneNumber", {{"PhoneNumber", "+15551234567"}, {"OneTimePassword", "x"}},
      "VerificationException");
  Ok("VerifySMSSandboxPhoneNumber", {{"PhoneNumber", "+15551234567"}, {"OneTimePassword", code}});
  EXPECT_EQ(Ok("ListSMSSandboxPhoneNumbers", json::object())["PhoneNumbers"][0]["Status"],
            "Verified");
  EXPECT_EQ(
      Err("Publish", {{"PhoneNumber", "+1a234"}, {"Message", "m"}}, "InvalidParameter").message,
      "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to");
  Ok("Publish", {{"PhoneNumber", "+15551234567"}, {"Message", "hi"}});
  EXPECT_EQ(AdminGet("/outbox", {{"endpoint", "+15551234567"}}).value()["messages"][0]["message"],
            "hi");
  EXPECT_FALSE(Ok("CheckIfPhoneNumberIsOptedOut", {{"phoneNumber", "+15551234567"}})["isOptedOut"]);
}

TEST_F(TopicsTest, UnknownOperation) { Err("Nope", json::object(), "InvalidAction"); }

TEST_F(TopicsTest, OtherAccountsNeedThePolicy) {
  std::string arn = CreateTopic("shared");
  const std::string owner = ctx_.account;
  ctx_.account = "222222222222";
  AwsError e = Err("Publish", {{"TopicArn", arn}, {"Message", "m"}}, "AuthorizationError");
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.message,
            "User: arn:aws:iam::222222222222:root is not authorized to perform: SNS:Publish on "
            "resource: " +
                arn + " because no resource-based policy allows the SNS:Publish action");
  Err("GetTopicAttributes", {{"TopicArn", arn}}, "AuthorizationError");
  Err("DeleteTopic", {{"TopicArn", arn}}, "AuthorizationError");
  ctx_.account = owner;
  Ok("AddPermission", {{"TopicArn", arn},
                       {"Label", "b-publishes"},
                       {"AWSAccountId", {"222222222222"}},
                       {"ActionName", {"Publish"}}});
  ctx_.account = "222222222222";
  Ok("Publish", {{"TopicArn", arn}, {"Message", "m"}});
  Err("Subscribe", {{"TopicArn", arn}, {"Protocol", "email"}, {"Endpoint", "a@b.c"}},
      "AuthorizationError");
  ctx_.account = "333333333333";
  Err("Publish", {{"TopicArn", arn}, {"Message", "m"}}, "AuthorizationError");
  ctx_.account = owner;
  Ok("RemovePermission", {{"TopicArn", arn}, {"Label", "b-publishes"}});
  Ok("SetTopicAttributes",
     {{"TopicArn", arn},
      {"AttributeName", "Policy"},
      {"AttributeValue",
       json{{"Statement",
             {{{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "sns:*"}, {"Resource", arn}}}}}
           .dump()}});
  ctx_.account = "333333333333";
  Ok("GetTopicAttributes", {{"TopicArn", arn}});
  ctx_.account = owner;
}

TEST_F(TopicsTest, SubscriptionsAreTheirOwnersAndTheirTopicOwners) {
  std::string topic = CreateTopic("shared");
  ctx_.account = "222222222222";  // B subscribes to A's topic (the policy lets everyone)
  const std::string everyone =
      json{{"Statement",
            {{{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "sns:*"}, {"Resource", topic}}}}}
          .dump();
  ctx_.account = "000000000000";
  Ok("SetTopicAttributes",
     {{"TopicArn", topic}, {"AttributeName", "Policy"}, {"AttributeValue", everyone}});
  ctx_.account = "222222222222";
  std::string sub = Ok("Subscribe", {{"TopicArn", topic},
                                     {"Protocol", "email"},
                                     {"Endpoint", "b@example.com"},
                                     {"ReturnSubscriptionArn", true}})["SubscriptionArn"];
  Ok("GetSubscriptionAttributes", {{"SubscriptionArn", sub}});
  json mine = Ok("ListSubscriptions", json::object())["Subscriptions"];  // the subscriber's
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["Endpoint"], "b@example.com");  // ARN: PendingConfirmation until confirmed
  EXPECT_EQ(mine[0]["Owner"], "222222222222");
  ctx_.account = "000000000000";  // the topic's owner
  Ok("GetSubscriptionAttributes", {{"SubscriptionArn", sub}});
  ctx_.account = "333333333333";
  AwsError e = Err("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}, "AuthorizationError");
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.message,
            "User: arn:aws:iam::333333333333:root is not authorized to perform: "
            "SNS:GetSubscriptionAttributes on resource: " +
                sub);
  Err("SetSubscriptionAttributes",
      {{"SubscriptionArn", sub},
       {"AttributeName", "RawMessageDelivery"},
       {"AttributeValue", "true"}},
      "AuthorizationError");
  ctx_.account = "000000000000";
}

}  // namespace
}  // namespace wharf::sns::testing
