#include <gtest/gtest.h>

#include <string>

#include "protocol/query/query_codec.h"
#include "protocol/query/query_encode.h"
#include "protocol/query/shape_plan.h"
#include "protocol/query/xml_writer.h"
#include "query_test_util.h"
#include "wharf/protocol/model.h"

namespace wharf {
namespace {

using nlohmann::json;

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(QueryXmlTest, EscapesMarkupCarriageReturnAndControlCharacters) {
  std::string out;
  query::AppendXmlEscaped(out, "a&b<c>d\"e'f\r\n\tg\x01h\x1fi");
  EXPECT_EQ(out, "a&amp;b&lt;c&gt;d&quot;e'f&#xD;\n\tg&#x1;h&#x1F;i");
  out.clear();
  query::AppendXmlEscaped(out, "plain \xC3\xA9");
  EXPECT_EQ(out, "plain \xC3\xA9");
}

TEST(QueryXmlTest, WriterEmitsEmptyElementsAndNamespaces) {
  query::XmlWriter w(true);
  w.Open("Root", "urn:x&y");
  w.Element("Empty", "");
  w.Element("Text", "<1>");
  w.Close("Root");
  EXPECT_EQ(w.Take(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Root xmlns=\"urn:x&amp;y\"><Empty/>"
            "<Text>&lt;1&gt;</Text></Root>");
}

// Each golden response was checked with Debian botocore 1.29's QueryParser
// (tests/golden/query/check_responses.py).
TEST(QueryXmlTest, GoldenResponsesMatch) {
  json cases = json::parse(testing::ReadGolden("query", "responses.json"));
  ASSERT_GE(cases.size(), 15u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c["operation"].get<std::string>());
    const ServiceModel* model = ServiceModel::Get(c["service"].get<std::string>());
    ASSERT_NE(model, nullptr);
    auto codec = MakeQueryCodec(*model);
    RequestContext ctx;
    ctx.request_id = "req-1";
    HttpResponse r = codec->EncodeOutput(c["operation"].get<std::string>(),
                                         testing::DenormaliseBinary(c["output"]), ctx);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/xml");
    EXPECT_EQ(HeaderOf(r, "x-amzn-RequestId"), "req-1");
    EXPECT_EQ(r.body, c["xml"].get<std::string>());
  }
}

TEST(QueryXmlTest, ErrorEnvelopeUsesModelledLegacyCode) {
  auto codec = MakeQueryCodec(*ServiceModel::Get("sqs"));
  RequestContext ctx;
  ctx.request_id = "req-1";
  HttpResponse r = codec->EncodeError(
      AwsError::Client("QueueDoesNotExist",
                       "The specified queue does not exist for this wsdl version."),
      ctx);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/xml");
  EXPECT_EQ(r.body, testing::ReadGolden("query", "error.xml"));
}

TEST(QueryXmlTest, ReceiverErrorsKeepTheirStatus) {
  auto codec = MakeQueryCodec(*ServiceModel::Get("sns"));
  RequestContext ctx;
  ctx.request_id = "r";
  HttpResponse r = codec->EncodeError(AwsError::Internal("boom <&>"), ctx);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error>"
            "<Type>Receiver</Type><Code>InternalFailure</Code><Message>boom &lt;&amp;&gt;"
            "</Message></Error><RequestId>r</RequestId></ErrorResponse>");  // SNS: no Detail
}

// Traits the SQS/SNS models do not exercise: timestamps, blobs, numbers, custom list member
// and map entry names, no xmlNamespace in the metadata.
TEST(QueryXmlTest, ScalarsAndCustomNamesFollowTheShape) {
  ServiceModel model(json::parse(R"({
    "metadata": {"endpointPrefix": "demo", "apiVersion": "2020-01-01", "protocol": "query"},
    "operations": {"Get": {"name": "Get", "output": {"shape": "Out"}}},
    "shapes": {
      "Out": {"type": "structure", "members": {
        "When": {"shape": "Time"}, "Data": {"shape": "Blob"}, "Count": {"shape": "Long"},
        "Ratio": {"shape": "Double"}, "On": {"shape": "Bool"},
        "Names": {"shape": "NameList"}, "Pairs": {"shape": "PairMap", "locationName": "P"},
        "Epoch": {"shape": "EpochTime"}}},
      "Time": {"type": "timestamp"}, "EpochTime": {"type": "timestamp",
                                                   "timestampFormat": "unixTimestamp"},
      "Blob": {"type": "blob"}, "Long": {"type": "long"},
      "Double": {"type": "double"}, "Bool": {"type": "boolean"}, "Str": {"type": "string"},
      "NameList": {"type": "list", "member": {"shape": "Str", "locationName": "Name"}},
      "PairMap": {"type": "map", "key": {"shape": "Str", "locationName": "K"},
                  "value": {"shape": "Str", "locationName": "V"}}}})"));
  json output = {{"When", 1700000000.5},
                 {"Data", json::binary({0, 1, 255})},
                 {"Count", 12345678901LL},
                 {"Ratio", 0.25},
                 {"On", false},
                 {"Names", {"a", "b"}},
                 {"Pairs", {{"x", "1"}}},
                 {"Epoch", 1700000000}};
  query::ShapePlan plan(model);
  std::string xml =
      query::EncodeQueryResponse(model, plan, query::QueryXmlNamespace(model), "Get", output, "id");
  EXPECT_EQ(xml,
            "<GetResponse xmlns=\"http://demo.amazonaws.com/doc/2020-01-01/\"><GetResult>"
            "<Count>12345678901</Count><Data>AAH/</Data><Epoch>1700000000</Epoch>"
            "<Names><Name>a</Name><Name>b</Name></Names><On>false</On>"
            "<P><entry><K>x</K><V>1</V></entry></P><Ratio>0.25</Ratio>"
            "<When>2023-11-14T22:13:20.500Z</When></GetResult>"
            "<ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></GetResponse>");
}

}  // namespace
}  // namespace wharf
