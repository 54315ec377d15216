// Errors as values: AwsError (an AWS error as data) and Result<T> (a value or an AwsError).
// Engines return these; only protocol codecs turn an AwsError into a wire envelope.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace wharf {

// An error exactly as AWS reports it. `code` is the modelled error shape name, the one JSON
// protocols put in `__type` (e.g. "QueueDoesNotExist"). `query_code` is the code that query
// protocols put in <Code> and SQS puts in `x-amzn-query-error`
// (e.g. "AWS.SimpleQueueService.NonExistentQueue"); empty means "same as code".
struct AwsError {
  std::string code;
  std::string message;
  int http_status = 400;
  bool sender_fault = true;  // query <Type>Sender</Type> vs Receiver
  std::string query_code;
  // The message query protocols send, where AWS words it differently there; empty = `message`.
  std::string query_message;

  const std::string& QueryCode() const { return query_code.empty() ? code : query_code; }
  const std::string& QueryMessage() const {
    return query_message.empty() ? message : query_message;
  }

  // Common constructors.
  static AwsError Client(std::string code, std::string message, int status = 400) {
    return AwsError{std::move(code), std::move(message), status, true, {}, {}};
  }
  static AwsError Internal(std::string message) {
    return AwsError{"InternalFailure", std::move(message), 500, false, {}, {}};
  }
  static AwsError ServiceUnavailable(std::string message) {
    return AwsError{"ServiceUnavailable", std::move(message), 503, false, {}, {}};
  }
};

// A value of T or an AwsError. [[nodiscard]] so that a failure is never dropped silently.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(AwsError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !ok().
  const AwsError& error() const& { return std::get<1>(v_); }
  AwsError&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, AwsError> v_;
};

// Result<void>: success or an AwsError.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace wharf

// Returns the error of `expr` (a Result or Status) from the enclosing function if it failed.
#define WHARF_RETURN_IF_ERROR(expr)            \
  do {                                         \
    auto wharf_status_ = (expr);               \
    if (!wharf_status_.ok()) {                 \
      return std::move(wharf_status_).error(); \
    }                                          \
  } while (0)
