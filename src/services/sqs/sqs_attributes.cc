#include "services/sqs/sqs_attributes.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_util.h"
#include "wharf/core/encoding.h"

namespace wharf::sqs {
namespace {

using json = nlohmann::json;

struct IntRule {
  std::string_view name;
  int64_t min, max;
};
constexpr std::array<IntRule, 6> kIntRules{{
    {"DelaySeconds", 0, 900},
    {"MaximumMessageSize", 1024, 1048576},
    {"MessageRetentionPeriod", 60, 1209600},
    {"ReceiveMessageWaitTimeSeconds", 0, 20},
    {"VisibilityTimeout", 0, 43200},
    {"KmsDataKeyReusePeriodSeconds", 60, 86400},
}};

constexpr std::array<std::string_view, 22> kAllNames{"All",
                                                     "Policy",
                                                     "VisibilityTimeout",
                                                     "MaximumMessageSize",
                                                     "MessageRetentionPeriod",
                                                     "ApproximateNumberOfMessages",
                                                     "ApproximateNumberOfMessagesNotVisible",
                                                     "CreatedTimestamp",
                                                     "LastModifiedTimestamp",
                                                     "QueueArn",
                                                     "ApproximateNumberOfMessagesDelayed",
                                                     "DelaySeconds",
                                                     "ReceiveMessageWaitTimeSeconds",
                                                     "RedrivePolicy",
                                                     "FifoQueue",
                                                     "ContentBasedDeduplication",
                                                     "KmsMasterKeyId",
                                                     "KmsDataKeyReusePeriodSeconds",
                                                     "DeduplicationScope",
                                                     "FifoThroughputLimit",
                                                     "RedriveAllowPolicy",
                                                     "SqsManagedSseEnabled"};

AwsError BadValue(std::string_view name) {
  return InvalidAttributeValue("Invalid value for the parameter " + std::string(name) + ".");
}

AwsError Unknown(std::string_view name) {
  return InvalidAttributeName("Unknown Attribute " + std::string(name) + ".");
}

// Stores a boolean attribute as AWS returns it: lower case.
Status MergeBool(std::string_view name, const std::string& v,
                 std::map<std::string, std::string>& merged) {
  const std::optional<bool> b = ParseBool(v);
  if (!b) return BadValue(name);
  merged[std::string(name)] = *b ? "true" : "false";
  return OkStatus();
}

Status CheckRedriveAllow(const std::string& v) {
  json p = json::parse(v, nullptr, false);
  const std::string reason_prefix = "Value " + v + " for parameter RedriveAllowPolicy is invalid. ";
  if (!p.is_object() || !p.contains("redrivePermission") || !p["redrivePermission"].is_string()) {
    return InvalidAttributeValue(reason_prefix +
                                 "Reason: Amazon SQS can't create the redrive "
                                 "allow policy, as it's in an unsupported format.");
  }
  const std::string perm = p["redrivePermission"];
  if (perm != "allowAll" && perm != "denyAll" && perm != "byQueue") {
    return InvalidAttributeValue(reason_prefix + "Reason: Invalid value for redrivePermission.");
  }
  const bool has_arns = p.contains("sourceQueueArns");
  if (perm == "byQueue") {
    if (!has_arns || !p["sourceQueueArns"].is_array() || p["sourceQueueArns"].empty() ||
        p["sourceQueueArns"].size() > 10) {
      return InvalidAttributeValue(reason_prefix +
                                   "Reason: sourceQueueArns must contain 1 to 10 queue ARNs.");
    }
  } else if (has_arns) {
    return InvalidAttributeValue(
        reason_prefix + "Reason: Only byQueue redrivePermission can have sourceQueueArns.");
  }
  return OkStatus();
}

Status CheckRedrive(const std::string& v) {
  json p = json::parse(v, nullptr, false);
  const std::string prefix = "Value " + v + " for parameter RedrivePolicy is invalid. Reason: ";
  if (!p.is_object()) {
    return InvalidParameterValue(prefix + "Redrive policy is not a dict or valid json.");
  }
  if (!p.contains("deadLetterTargetArn") || !p["deadLetterTargetArn"].is_string()) {
    return InvalidParameterValue(prefix +
                                 "Redrive policy does not contain mandatory attribute: "
                                 "deadLetterTargetArn.");
  }
  if (!p.contains("maxReceiveCount")) {
    return InvalidParameterValue(prefix +
                                 "Redrive policy does not contain mandatory attribute: "
                                 "maxReceiveCount.");
  }
  const json& c = p["maxReceiveCount"];
  std::optional<int64_t> n;
  if (c.is_number_integer()) n = c.get<int64_t>();
  if (c.is_string()) n = ParseInt(c.get<std::string>());
  if (!n || *n < 1 || *n > 1000) {
    return InvalidParameterValue(prefix + "Invalid value for maxReceiveCount: " + c.dump() +
                                 ", valid values are from 1 to 1000 both inclusive.");
  }
  const std::string arn = p["deadLetterTargetArn"];
  if (arn.rfind("arn:", 0) != 0 || std::count(arn.begin(), arn.end(), ':') != 5) {
    return InvalidParameterValue(prefix + "Invalid value for deadLetterTargetArn.");
  }
  return OkStatus();
}

}  // namespace

Result<bool> FifoQueueRequested(const json& attributes) {
  if (!attributes.is_object() || !attributes.contains("FifoQueue")) return false;
  const json& value = attributes["FifoQueue"];
  const std::optional<bool> fifo =
      ParseBool(value.is_string() ? value.get<std::string>() : value.dump());
  if (!fifo) return BadValue("FifoQueue");
  if (!*fifo) return Unknown("FifoQueue");
  return true;
}

std::map<std::string, std::string> DefaultQueueAttributes(bool fifo) {
  std::map<std::string, std::string> a{{"DelaySeconds", "0"},
                                       {"MaximumMessageSize", "1048576"},
                                       {"MessageRetentionPeriod", "345600"},
                                       {"ReceiveMessageWaitTimeSeconds", "0"},
                                       {"VisibilityTimeout", "30"},
                                       {"SqsManagedSseEnabled", "true"}};
  if (fifo) {
    a["FifoQueue"] = "true";
    a["ContentBasedDeduplication"] = "false";
    a["DeduplicationScope"] = "queue";
    a["FifoThroughputLimit"] = "perQueue";
  }
  return a;
}

bool IsQueueAttributeName(std::string_view name) {
  for (std::string_view n : kAllNames) {
    if (n == name) return true;
  }
  return false;
}

Status CheckQueueName(const std::string& name, bool fifo) {
  std::string_view base = name;
  if (fifo) {
    if (base.size() < 5 || base.substr(base.size() - 5) != ".fifo") {
      return InvalidParameterValue(
          "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
          "underscores, must end with .fifo suffix and be 1 to 80 in length.");
    }
    base.remove_suffix(5);
  }
  bool ok = !base.empty() && name.size() <= 80;
  for (char c : base) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) ok = false;
  }
  if (!ok) {
    return InvalidParameterValue(
        fifo ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
               "underscores, must end with .fifo suffix and be 1 to 80 in length."
             : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in "
               "length");
  }
  return OkStatus();
}

Status MergeQueueAttributes(const json& attributes, bool fifo, bool creating,
                            std::map<std::string, std::string>& merged) {
  if (!attributes.is_object()) return OkStatus();
  for (const auto& [name, value] : attributes.items()) {
    const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
    bool handled = false;
    for (const IntRule& r : kIntRules) {
      if (r.name != name) continue;
      handled = true;
      auto n = ParseInt(v);
      if (!n || *n < r.min || *n > r.max) return BadValue(name);
      merged[name] = std::to_string(*n);
    }
    if (handled) continue;
    if (name == "FifoQueue") {
      if (creating) continue;  // the type was decided by FifoQueueRequested
      // On a FIFO queue "true" changes nothing, which AWS accepts.
      const std::optional<bool> b = ParseBool(v);
      if (fifo && b == true) continue;
      if (fifo && b == false) {
        return InvalidAttributeValue(
            "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not "
            "supported.");
      }
      return Unknown(name);
    } else if (name == "ContentBasedDeduplication") {
      if (!fifo) return Unknown(name);
      WHARF_RETURN_IF_ERROR(MergeBool(name, v, merged));
    } else if (name == "DeduplicationScope") {
      if (!fifo) {
        return InvalidAttributeName(
            "You can specify the DeduplicationScope only when FifoQueue is set to true.");
      }
      if (v != "queue" && v != "messageGroup") return BadValue(name);
      merged[name] = v;
    } else if (name == "FifoThroughputLimit") {
      if (!fifo) {
        return InvalidAttributeName(
            "You can specify the FifoThroughputLimit only when FifoQueue is set to true.");
      }
      if (v != "perQueue" && v != "perMessageGroupId") return BadValue(name);
      merged[name] = v;
    } else if (name == "Policy") {
      if (v.empty()) {
        merged.erase(name);
        continue;
      }
      if (!json::parse(v, nullptr, false).is_object()) return BadValue(name);
      merged[name] = v;
    } else if (name == "RedrivePolicy") {
      if (v.empty()) {
        merged.erase(name);
        continue;
      }
      WHARF_RETURN_IF_ERROR(CheckRedrive(v));
      merged[name] = v;
    } else if (name == "RedriveAllowPolicy") {
      if (v.empty()) {
        merged.erase(name);
        continue;
      }
      WHARF_RETURN_IF_ERROR(CheckRedriveAllow(v));
      merged[name] = v;
    } else if (name == "KmsMasterKeyId") {
      if (v.empty()) {
        merged.erase(name);
        merged.erase("KmsDataKeyReusePeriodSeconds");
        continue;
      }
      merged[name] = v;
      merged["SqsManagedSseEnabled"] = "false";
      merged.emplace("KmsDataKeyReusePeriodSeconds", "300");
    } else if (name == "SqsManagedSseEnabled") {
      WHARF_RETURN_IF_ERROR(MergeBool(name, v, merged));
    } else {
      return Unknown(name);
    }
  }
  if (attributes.contains("SqsManagedSseEnabled") && attributes.contains("KmsMasterKeyId") &&
      merged["SqsManagedSseEnabled"] == "true" && merged.count("KmsMasterKeyId")) {
    return InvalidAttributeName(
        "You can use one type of server-side encryption (SSE) at one time. You can either "
        "enable KMS SSE or SQS SSE.");
  }
  if (merged["SqsManagedSseEnabled"] == "true") {
    merged.erase("KmsMasterKeyId");
    merged.erase("KmsDataKeyReusePeriodSeconds");
  }
  if (fifo && merged["FifoThroughputLimit"] == "perMessageGroupId" &&
      merged["DeduplicationScope"] != "messageGroup") {
    return InvalidAttributeValue(
        "Invalid value for the parameter FifoThroughputLimit. Reason: The perMessageGroupId "
        "value is allowed only when the value for DeduplicationScope is messageGroup.");
  }
  return OkStatus();
}

}  // namespace wharf::sqs
