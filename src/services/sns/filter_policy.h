// SNS subscription filter policies: parse and validate a FilterPolicy once (with AWS's exact
// InvalidParameter messages), then match published messages against it without re-parsing.
//
// Grammar (as AWS documents it): keys AND-ed, a key's value list OR-ed; exact strings, numbers
// (compared numerically: 300 == 3.0e2), true/false/null; prefix, suffix, equals-ignore-case,
// wildcard, anything-but (value, list, numeric list, {"prefix":...}), numeric ranges, exists, cidr
// (IPv4/IPv6); "$or" at any level; nested keys in MessageBody scope ("a.b" also matches
// {"a":{"b"}}).
//
// Everything here is pure: a FilterPolicy is immutable after parsing and safe to share between
// threads; the functions may run concurrently.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/sns/filter_types.h"
#include "wharf/core/result.h"

namespace wharf::sns {

enum class FilterScope { kMessageAttributes, kMessageBody };

// Which call carries the policy; AWS words its messages differently for each.
enum class FilterPolicyCaller {
  kSetSubscriptionAttributes,  // "Invalid parameter: FilterPolicy: ..."
  kSubscribe,                  // "Invalid parameter: Attributes Reason: FilterPolicy: ..."
};

struct FilterPolicy {
  FilterScope scope = FilterScope::kMessageAttributes;
  std::vector<filter::Branch> branches;  // OR of branches; empty = "{}" which matches everything
  std::string canonical_json;            // the policy re-serialized compactly, keys in order
};

// Parses "MessageAttributes" / "MessageBody"; otherwise InvalidParameter
// "Invalid parameter: FilterPolicyScope: Invalid value [x]. Please use either MessageBody or
// MessageAttributes".
Result<FilterScope> ParseFilterScope(
    std::string_view value,
    FilterPolicyCaller caller = FilterPolicyCaller::kSetSubscriptionAttributes);

// Parses and validates `json` for `scope`. Errors are AwsError{code "InvalidParameter", 400,
// Sender} with AWS's message: JSON syntax ("failed to parse JSON. ..."), rule errors with Jackson's
// source location, "Filter policy scope MessageAttributes does not support nested filter policy",
// "Filter policy can not have more than 5 keys", "Filter policy is too complex" (> 150
// combinations). An empty string is not a policy (the caller treats it as "no filter").
Result<FilterPolicy> ParseFilterPolicy(
    std::string_view json, FilterScope scope,
    FilterPolicyCaller caller = FilterPolicyCaller::kSetSubscriptionAttributes);

// One message attribute as published: DataType ("String", "Number", "String.Array", "Binary",
// optionally with a ".custom" suffix) and its StringValue (Binary: ignored).
struct MessageAttribute {
  std::string data_type;
  std::string string_value;
};
using MessageAttributes = std::map<std::string, MessageAttribute, std::less<>>;

// A message reduced to dotted field paths and their typed values. Build it once per published
// message and match it against every subscriber's policy.
struct FlatField {
  std::vector<filter::FieldValue> values;
  bool string_array = false;  // came from a String.Array attribute
};
using FlatMessage = std::unordered_map<std::string, FlatField>;

// Binary attributes are left out (they never match and do not "exist").
FlatMessage FlattenAttributes(const MessageAttributes& attributes);
// nullopt when the body is not a JSON object (such a body matches no MessageBody policy).
std::optional<FlatMessage> FlattenBody(std::string_view body);

// True when some branch of `policy` has every one of its keys satisfied by `message`.
bool Matches(const FilterPolicy& policy, const FlatMessage& message);
bool Matches(const FilterPolicy& policy, const MessageAttributes& attributes);
bool MatchesBody(const FilterPolicy& policy, std::string_view body);

}  // namespace wharf::sns
