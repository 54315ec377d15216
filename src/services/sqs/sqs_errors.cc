#include "services/sqs/sqs_errors.h"

#include <array>
#include <cctype>

namespace wharf::sqs {
namespace {

struct ErrorRow {
  std::string_view shape;
  std::string_view legacy;
  int status;
};

// aws-wire-protocols.md §4.2: shape name -> legacy query code and HTTP status.
constexpr std::array<ErrorRow, 30> kErrors{{
    {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400},
    {"QueueNameExists", "QueueAlreadyExists", 400},
    {"QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", 400},
    {"PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403},
    {"MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", 400},
    {"ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404},
    {"BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400},
    {"BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400},
    {"EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400},
    {"InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400},
    {"TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400},
    {"UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400},
    {"OverLimit", "OverLimit", 403},
    {"InvalidAddress", "InvalidAddress", 404},
    {"InvalidSecurity", "InvalidSecurity", 403},
    {"RequestThrottled", "RequestThrottled", 403},
    {"ResourceNotFoundException", "ResourceNotFoundException", 404},
    {"KmsAccessDenied", "KMS.AccessDeniedException", 400},
    {"KmsDisabled", "KMS.DisabledException", 400},
    {"KmsInvalidKeyUsage", "KMS.InvalidKeyUsageException", 400},
    {"KmsInvalidState", "KMS.InvalidStateException", 400},
    {"KmsNotFound", "KMS.NotFoundException", 400},
    {"KmsThrottled", "KMS.ThrottlingException", 400},
    {"KmsOptInRequired", "KMS.OptInRequired", 403},
    {"InvalidAttributeName", "InvalidAttributeName", 400},
    {"InvalidAttributeValue", "InvalidAttributeValue", 400},
    {"InvalidIdFormat", "InvalidIdFormat", 400},
    {"InvalidMessageContents", "InvalidMessageContents", 400},
    // Unmodelled errors as recorded from AWS (__type -> x-amzn-query-error code).
    {"InvalidParameterValueException", "InvalidParameterValue", 400},
    {"MissingRequiredParameterException", "MissingParameter", 400},
}};

}  // namespace

AwsError Error(std::string_view shape, std::string message) {
  for (const ErrorRow& row : kErrors) {
    if (row.shape == shape) {
      return AwsError{std::string(shape), std::move(message), row.status, true,
                      std::string(row.legacy)};
    }
  }
  return AwsError{std::string(shape), std::move(message), 400, true, {}, {}};
}

AwsError QueueDoesNotExist() {
  AwsError e = Error("QueueDoesNotExist", "The specified queue does not exist.");
  e.query_message = "The specified queue does not exist for this wsdl version.";
  return e;
}

AwsError InvalidParameterValue(std::string message) {
  return Error("InvalidParameterValueException", std::move(message));
}

AwsError MissingParameter(std::string_view name) {
  return Error("MissingRequiredParameterException",
               "The request must contain the parameter " + std::string(name) + ".");
}

AwsError InvalidAttributeName(std::string message) {
  return Error("InvalidAttributeName", std::move(message));
}

AwsError InvalidAttributeValue(std::string message) {
  return Error("InvalidAttributeValue", std::move(message));
}

AwsError InvalidValue(std::string_view value, std::string_view parameter, std::string_view reason) {
  return InvalidParameterValue("Value " + std::string(value) + " for parameter " +
                               std::string(parameter) +
                               " is invalid. Reason: " + std::string(reason));
}

AwsError UnsupportedOperation(std::string_view operation) {
  return Error("UnsupportedOperation",
               "The operation " + std::string(operation) + " is not supported by wharf.");
}

AwsError AccessDenied(std::string_view principal, std::string_view action, std::string_view arn,
                      std::string_view region, bool explicit_deny) {
  std::string perform = "sqs:";
  for (char c : action) perform.push_back(static_cast<char>(std::tolower(c)));
  std::string message =
      "User: " + std::string(principal) + " is not authorized to perform: " + perform +
      " on resource: " + std::string(arn) +
      (explicit_deny ? " with an explicit deny in a resource-based policy"
                     : " because no resource-based policy allows the " + perform + " action");
  AwsError e{"com.amazon.coral.service#AccessDeniedException", std::move(message), 403, true,
             "AccessDenied"};
  e.query_message =
      "Access to the resource https://sqs." + std::string(region) + ".amazonaws.com/ is denied.";
  return e;
}

}  // namespace wharf::sqs
