// libFuzzer target: SNS filter policies. Input layout: one flag byte (bit 0: MessageBody scope,
// bit 1: Subscribe wording), the policy up to a NUL, a message body up to a NUL, then message
// attributes as lines "name TAB DataType TAB value".
// Invariants: no crash; a rejected policy is InvalidParameter/400; an accepted policy's
// canonical_json parses again to the same canonical_json (the stored form round-trips), and
// matching it against the body and the attributes terminates without a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "services/sns/filter_policy.h"

namespace {

std::string_view TakeUntilNul(std::string_view& rest) {
  size_t nul = rest.find('\0');
  std::string_view out = rest.substr(0, nul);
  rest.remove_prefix(nul == std::string_view::npos ? rest.size() : nul + 1);
  return out;
}

wharf::sns::MessageAttributes ParseAttributes(std::string_view rest) {
  wharf::sns::MessageAttributes out;
  while (!rest.empty()) {
    size_t lf = rest.find('\n');
    std::string_view line = rest.substr(0, lf);
    rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
    size_t t1 = line.find('\t');
    size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos) continue;
    out[std::string(line.substr(0, t1))] = {std::string(line.substr(t1 + 1, t2 - t1 - 1)),
                                            std::string(line.substr(t2 + 1))};
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wharf::sns;
  using wharf::fuzz::Check;
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  FilterScope scope = (data[0] & 1) ? FilterScope::kMessageBody : FilterScope::kMessageAttributes;
  FilterPolicyCaller caller = (data[0] & 2) ? FilterPolicyCaller::kSubscribe
                                            : FilterPolicyCaller::kSetSubscriptionAttributes;
  std::string_view policy_text = TakeUntilNul(rest);
  std::string_view body = TakeUntilNul(rest);
  MessageAttributes attributes = ParseAttributes(rest);

  (void)ParseFilterScope(policy_text, caller);
  wharf::Result<FilterPolicy> policy = ParseFilterPolicy(policy_text, scope, caller);
  if (!policy.ok()) {
    Check(policy.error().code == "InvalidParameter", "policy refused with another code");
    Check(policy.error().http_status == 400, "policy refused with another status");
    return 0;
  }
  wharf::Result<FilterPolicy> again = ParseFilterPolicy(policy->canonical_json, scope, caller);
  Check(again.ok(), "canonical_json of an accepted policy is refused");
  Check(again->canonical_json == policy->canonical_json, "canonical_json does not round-trip");
  (void)MatchesBody(*policy, body);
  (void)Matches(*policy, attributes);
  if (auto flat = FlattenBody(body)) (void)Matches(*policy, *flat);
  return 0;
}
