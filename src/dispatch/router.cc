#include "dispatch/router.h"

#include <array>

#include "dispatch/http_util.h"
#include "wharf/core/encoding.h"

namespace wharf::dispatch {
namespace {

struct TargetPrefix {
  std::string_view prefix;
  std::string_view service;
};
constexpr std::array<TargetPrefix, 4> kTargetPrefixes = {{
    {"AmazonSQS.", "sqs"},
    {"SimpleWorkflowService.", "swf"},
    {"Kinesis_20131202.", "kinesis"},
    {"Firehose_20150804.", "firehose"},
}};

constexpr std::array<std::string_view, 11> kApiGatewayCollections = {
    "restapis",
    "apikeys",
    "account",
    "domainnames",
    "domainnameaccessassociations",
    "rejectdomainnameaccessassociations",
    "usageplans",
    "vpclinks",
    "clientcertificates",
    "sdktypes",
    "tags"};

struct Scope {
  std::string access_key;
  std::string region;
  std::string service;
};

// Parses "AKID/20150830/us-east-1/sqs/aws4_request" (SigV4) or "AKID/20150830/s3/aws4_request"
// (SigV4a, no region).
bool ParseCredential(std::string_view credential, Scope* scope) {
  std::array<std::string_view, 5> parts;
  size_t count = 0;
  while (count < parts.size()) {
    size_t slash = credential.find('/');
    parts[count++] = credential.substr(0, slash);
    if (slash == std::string_view::npos) break;
    credential = credential.substr(slash + 1);
  }
  if (count == 5 && parts[4] == "aws4_request") {
    *scope = {std::string(parts[0]), std::string(parts[2]), std::string(parts[3])};
    return true;
  }
  if (count == 4 && parts[3] == "aws4_request") {
    *scope = {std::string(parts[0]), std::string(), std::string(parts[2])};
    return true;
  }
  return false;
}

bool IsTwelveDigits(std::string_view text) {
  if (text.size() != 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "/123456789012/name" (exactly two segments, the first 12 digits).
bool IsQueuePath(std::string_view path) {
  if (path.size() < 15 || path[0] != '/' || path[13] != '/') return false;
  std::string_view name = path.substr(14);
  return IsTwelveDigits(path.substr(1, 12)) && !name.empty() &&
         name.find('/') == std::string_view::npos;
}

std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host;  // IPv6 literal: never a bucket
  return host.substr(0, host.rfind(':'));
}

// The bucket of a virtual-host-style S3 host: "<bucket>.localhost" or "<bucket>.s3.<anything>".
std::string VirtualHostBucket(std::string_view host_header) {
  std::string host = AsciiLower(HostWithoutPort(host_header));
  size_t s3 = host.find(".s3.");
  if (s3 != std::string::npos && s3 > 0) return host.substr(0, s3);
  constexpr std::string_view kLocalhost = ".localhost";
  if (host.size() > kLocalhost.size() &&
      std::string_view(host).substr(host.size() - kLocalhost.size()) == kLocalhost) {
    return host.substr(0, host.find('.'));
  }
  return {};
}

Protocol JsonOrCbor(const HttpRequest& request) {
  return StartsWith(AsciiLower(FindHeader(request.headers, "content-type")),
                    "application/x-amz-cbor")
             ? Protocol::kCbor
             : Protocol::kJson;
}

Protocol ProtocolFor(std::string_view service, const HttpRequest& request, bool has_target,
                     bool has_action) {
  if (service == "sqs") return has_target ? Protocol::kJson : Protocol::kQuery;
  if (service == "sns") return Protocol::kQuery;
  if (service == "swf" || service == "firehose") return Protocol::kJson;
  if (service == "kinesis") return JsonOrCbor(request);
  if (service == "apigateway" || service == "elastictranscoder" || service == "execute-api") {
    return Protocol::kRestJson;
  }
  if (service == "s3") return Protocol::kRestXml;
  if (has_target) return JsonOrCbor(request);
  if (has_action) return Protocol::kQuery;
  return Protocol::kRestJson;
}

// The form/query parameters the table looks at, found without decoding whole bodies.
struct QueryHints {
  bool has_action = false;
  std::string action;
  std::string version;
  bool has_queue_param = false;  // QueueUrl or QueueName
  bool has_queue_url = false;
  bool has_sns_param = false;  // TopicArn or SubscriptionArn
};

void ScanParams(std::string_view text, QueryHints* hints) {
  if (!hints->has_action) hints->has_action = FindRawParam(text, "Action", &hints->action);
  if (hints->version.empty()) FindRawParam(text, "Version", &hints->version);
  bool url = FindRawParam(text, "QueueUrl", nullptr);
  hints->has_queue_url = hints->has_queue_url || url;
  hints->has_queue_param =
      hints->has_queue_param || url || FindRawParam(text, "QueueName", nullptr);
  // SNS's own parameters: an unsigned GET of a SubscribeURL or an UnsubscribeURL has only these.
  hints->has_sns_param = hints->has_sns_param || FindRawParam(text, "TopicArn", nullptr) ||
                         FindRawParam(text, "SubscriptionArn", nullptr);
}

constexpr std::string_view kSqsMessagesPath = "/_aws/sqs/messages";

// LocalStack's developer endpoint: the message list of a queue named by a QueueUrl parameter
// (plain GET/POST, or a ReceiveMessage call of an AWS client whose endpoint is this path), or by
// the path: /_aws/sqs/messages/<region>/<account>/<queue>. Fills `route`; false for other paths.
bool RouteSqsMessages(const HttpRequest& request, bool has_target, Route& route) {
  std::string_view path = request.path;
  if (!StartsWith(path, kSqsMessagesPath)) return false;
  std::string_view rest = path.substr(kSqsMessagesPath.size());
  if (!rest.empty() && rest.front() != '/') return false;
  route.service = "sqs";
  route.sqs_messages = true;
  const bool json =
      has_target ||
      StartsWith(AsciiLower(FindHeader(request.headers, "content-type")), "application/x-amz-json");
  route.protocol = json ? Protocol::kJson : Protocol::kQuery;
  if (json) return true;
  const bool has_action = FindRawParam(request.query, "Action", nullptr) ||
                          (IsFormRequest(request) && FindRawParam(request.body, "Action", nullptr));
  if (!has_action) {
    route.operation = "ReceiveMessage";
    route.inject_form = "Action=ReceiveMessage";
  }
  if (rest.size() > 1) {  // "/<region>/<account>/<queue>"
    rest.remove_prefix(1);
    const size_t a = rest.find('/');
    const size_t b = a == std::string_view::npos ? a : rest.find('/', a + 1);
    if (b != std::string_view::npos) {
      route.region = std::string(rest.substr(0, a));
      std::string url = "http://";
      url.append(FindHeader(request.headers, "host")).append("/").append(rest.substr(a + 1));
      if (!route.inject_form.empty()) route.inject_form += '&';
      route.inject_form += "QueueUrl=" + UriEncode(url, false);
    }
  }
  return true;
}

bool IsAdminPath(std::string_view path) {
  return path == "/_wharf" || StartsWith(path, "/_wharf/") || StartsWith(path, "/_localstack/") ||
         StartsWith(path, "/moto-api/");
}

}  // namespace

bool FindRawParam(std::string_view text, std::string_view key, std::string* value) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    size_t eq = piece.find('=');
    if (piece.substr(0, eq) != key) continue;
    if (value != nullptr) {
      *value =
          eq == std::string_view::npos ? std::string() : PercentDecode(piece.substr(eq + 1), true);
    }
    return true;
  }
  return false;
}

std::string_view ProtocolName(Protocol protocol) {
  switch (protocol) {
    case Protocol::kQuery:
      return "query";
    case Protocol::kJson:
      return "json";
    case Protocol::kCbor:
      return "cbor";
    case Protocol::kRestJson:
      return "rest-json";
    case Protocol::kRestXml:
      return "rest-xml";
  }
  return "unknown";
}

Route RouteRequest(const HttpRequest& request, const Config& config) {
  Route route;
  route.account = config.default_account;
  route.region = config.default_region;
  if (IsAdminPath(request.path)) {
    route.service = kAdminService;
    route.protocol = Protocol::kRestJson;
    return route;
  }

  // Rules 1-3: who signed, and for which service.
  Scope scope;
  std::string_view authorization = FindHeader(request.headers, "authorization");
  std::string credential;
  if (StartsWith(authorization, "AWS4-HMAC-SHA256 ") ||
      StartsWith(authorization, "AWS4-ECDSA-P256-SHA256 ")) {
    size_t at = authorization.find("Credential=");
    if (at != std::string_view::npos) {
      std::string_view rest = authorization.substr(at + 11);
      if (ParseCredential(rest.substr(0, rest.find_first_of(", ")), &scope)) {
        route.auth =
            StartsWith(authorization, "AWS4-ECDSA") ? AuthKind::kSigV4a : AuthKind::kSigV4Header;
      }
    }
  } else if (FindRawParam(request.query, "X-Amz-Credential", &credential) &&
             ParseCredential(credential, &scope)) {
    route.auth = AuthKind::kSigV4Query;
  } else if (StartsWith(authorization, "AWS ")) {
    route.auth = AuthKind::kSigV2;
    std::string_view key = authorization.substr(4);
    scope.access_key = std::string(key.substr(0, key.find(':')));
    scope.service = "s3";
  } else if (std::string key; FindRawParam(request.query, "AWSAccessKeyId", &key) &&
                              FindRawParam(request.query, "Signature", nullptr) &&
                              FindRawParam(request.query, "Expires", nullptr) &&
                              !FindRawParam(request.query, "Action", nullptr)) {
    route.auth = AuthKind::kSigV2;
    scope.access_key = key;
    scope.service = "s3";
  }
  route.access_key = scope.access_key;
  if (IsTwelveDigits(scope.access_key)) route.account = scope.access_key;
  if (!scope.region.empty()) route.region = scope.region;

  std::string_view target = FindHeader(request.headers, "x-amz-target");
  bool has_target = !target.empty();
  if (has_target) route.operation = std::string(target.substr(target.rfind('.') + 1));
  if (RouteSqsMessages(request, has_target, route)) return route;
  QueryHints hints;
  if (!has_target) {
    ScanParams(request.query, &hints);
    if (IsFormRequest(request)) ScanParams(request.body, &hints);
    if (hints.has_action) route.operation = hints.action;
  }

  if (!scope.service.empty()) {
    route.service = scope.service;
  } else if (has_target) {  // rule 4
    route.service = kUnknownService;
    for (const TargetPrefix& known : kTargetPrefixes) {
      if (StartsWith(target, known.prefix)) route.service = known.service;
    }
  } else if (hints.has_action) {  // rule 5
    if (hints.version == "2012-11-05") {
      route.service = "sqs";
    } else if (hints.version == "2010-03-31") {
      route.service = "sns";
    } else if (IsQueuePath(request.path) || hints.has_queue_param) {
      route.service = "sqs";
    } else if (hints.has_sns_param) {
      route.service = "sns";
    } else {
      route.service = kUnknownService;
    }
  } else if (!VirtualHostBucket(FindHeader(request.headers, "host")).empty()) {  // rule 6
    route.service = "s3";
  } else if (StartsWith(request.path, "/2012-09-25/")) {  // rule 7
    route.service = "elastictranscoder";
  } else {
    std::string_view path = request.path;
    std::string_view rest = path.empty() ? path : path.substr(1);
    std::string_view first = rest.substr(0, rest.find('/'));
    bool json =
        FindHeader(request.headers, "accept").find("application/json") != std::string_view::npos ||
        StartsWith(AsciiLower(FindHeader(request.headers, "content-type")), "application/json");
    bool collection = false;
    for (std::string_view name : kApiGatewayCollections) collection = collection || first == name;
    if (collection && json) {  // rule 8
      route.service = "apigateway";
    } else if (request.method == "GET" && path == "/" && request.query.empty() &&
               authorization.empty()) {  // rule 9
      route.service = kAdminService;
      route.protocol = Protocol::kRestJson;
      return route;
    } else {  // rule 10
      route.service = "s3";
    }
  }
  route.protocol = ProtocolFor(route.service, request, has_target, hints.has_action);

  if (route.service == "sqs" && route.protocol == Protocol::kQuery && !hints.has_queue_url &&
      IsQueuePath(request.path)) {
    std::string url = "http://";
    url.append(FindHeader(request.headers, "host")).append(request.path);
    route.inject_form = "QueueUrl=" + UriEncode(url, false);
  }
  if (route.service == "s3") {
    route.s3_bucket = VirtualHostBucket(FindHeader(request.headers, "host"));
  }
  return route;
}

}  // namespace wharf::dispatch
