// SMS settings, opt-outs and the SMS sandbox (emulated: codes readable through Admin()).
#include <openssl/rand.h>

#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {
namespace {

bool IsE164(const std::string& n) {
  if (n.size() < 2 || n.size() > 16 || n[0] != '+') return false;
  for (size_t i = 1; i < n.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(n[i]))) return false;
  }
  return true;
}

}  // namespace

bool SnsCore::ValidSmsEndpoint(std::string_view endpoint) {
  // An E.164 number whose digits may be grouped by single '-', '.' or '/' ("+12/34-567.890" is
  // accepted; "+15--551234567", "+15551234567." and "/+15551234567" are not: all recorded).
  if (endpoint.size() < 2 || endpoint[0] != '+') return false;
  size_t digits = 0;
  bool after_digit = false;
  for (char c : endpoint.substr(1)) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
      after_digit = true;
    } else if ((c == '-' || c == '.' || c == '/') && after_digit) {
      after_digit = false;
    } else {
      return false;
    }
  }
  return after_digit && digits <= 15;
}

Status SnsCore::CheckPhoneNumber(const std::string& number, bool publish) {
  if (IsE164(number)) return OkStatus();
  if (publish)
    return InvalidParameter("PhoneNumber Reason: " + number + " is not valid to publish to");
  return InvalidParameter("PhoneNumber Reason: input incorrectly formatted");
}

void SnsCore::WriteKv(const std::string& id, const json& doc, Sql& w) const {
  w.push_back({kUpsertObject, {std::string("kv"), id, doc.dump()}});
}

// SMS attributes belong to an account in a region; MonthlySpendLimit is "1" until set (recorded).
std::string SnsCore::SmsScope(const RequestContext& ctx) { return ctx.account + ':' + ctx.region; }

SnsCore::OpResult SnsCore::GetSMSAttributes(const RequestContext& ctx, json& in, Deferred&) {
  Outcome o;
  json out = json::object();
  json names = in.value("attributes", json::array());
  json attrs = sms_attributes_.value(SmsScope(ctx), json::object());
  if (!attrs.contains("MonthlySpendLimit")) attrs["MonthlySpendLimit"] = "1";
  for (auto& [k, v] : attrs.items()) {
    bool wanted = names.empty() || std::find(names.begin(), names.end(), k) != names.end();
    if (wanted) out[k] = v;
  }
  o.output = {{"attributes", out}};
  return o;
}

SnsCore::OpResult SnsCore::SetSMSAttributes(const RequestContext& ctx, json& in, Deferred&) {
  static const std::set<std::string> kNames = {
      "MonthlySpendLimit", "DeliveryStatusIAMRole", "DeliveryStatusSuccessSamplingRate",
      "DefaultSenderID",   "DefaultSMSType",        "UsageReportS3Bucket"};
  json attrs = in.value("attributes", json::object());
  if (!attrs.is_object()) attrs = json::object();
  for (auto& [k, v] : attrs.items()) {
    if (!kNames.count(k)) return InvalidParameterRaw(k + " is not a valid attribute");
    if (k == "DefaultSMSType" && v != "Promotional" && v != "Transactional") {
      return InvalidParameterRaw("DefaultSMSType is invalid");
    }
  }
  json& scoped = sms_attributes_[SmsScope(ctx)];
  if (!scoped.is_object()) scoped = json::object();
  for (auto& [k, v] : attrs.items()) scoped[k] = v;
  Outcome o;
  WriteKv("sms_attributes_by_scope", sms_attributes_, o.writes);
  return o;
}

SnsCore::OpResult SnsCore::CheckIfPhoneNumberIsOptedOut(const RequestContext&, json& in,
                                                        Deferred&) {
  const std::string number = Str(in, "phoneNumber");
  WHARF_RETURN_IF_ERROR(CheckPhoneNumber(number, false));
  Outcome o;
  o.output = {{"isOptedOut", opted_out_.count(number) > 0}};
  return o;
}

SnsCore::OpResult SnsCore::ListPhoneNumbersOptedOut(const RequestContext&, json&, Deferred&) {
  Outcome o;
  o.output = {{"phoneNumbers", json(opted_out_)}};
  return o;
}

SnsCore::OpResult SnsCore::OptInPhoneNumber(const RequestContext&, json& in, Deferred&) {
  const std::string number = Str(in, "phoneNumber");
  WHARF_RETURN_IF_ERROR(CheckPhoneNumber(number, false));
  Outcome o;
  if (opted_out_.erase(number)) WriteKv("opted_out", json(opted_out_), o.writes);
  return o;
}

SnsCore::OpResult SnsCore::GetSMSSandboxAccountStatus(const RequestContext&, json&, Deferred&) {
  Outcome o;
  o.output = {{"IsInSandbox", true}};
  return o;
}

SnsCore::OpResult SnsCore::CreateSMSSandboxPhoneNumber(const RequestContext&, json& in, Deferred&) {
  const std::string number = Str(in, "PhoneNumber");
  WHARF_RETURN_IF_ERROR(CheckPhoneNumber(number, false));
  uint32_t r = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
  char code[8];
  std::snprintf(code, sizeof code, "%06u", r % 1000000);
  sandbox_[number] = {
      {"status", "Pending"}, {"code", code}, {"language", in.value("LanguageCode", "en-US")}};
  Outcome o;
  WriteKv("sandbox", json(sandbox_), o.writes);
  return o;
}

SnsCore::OpResult SnsCore::DeleteSMSSandboxPhoneNumber(const RequestContext&, json& in, Deferred&) {
  const std::string number = Str(in, "PhoneNumber");
  if (!sandbox_.erase(number)) {
    return AwsError::Client("ResourceNotFound", "Phone number does not exist", 404);
  }
  Outcome o;
  WriteKv("sandbox", json(sandbox_), o.writes);
  return o;
}

SnsCore::OpResult SnsCore::VerifySMSSandboxPhoneNumber(const RequestContext&, json& in, Deferred&) {
  auto it = sandbox_.find(Str(in, "PhoneNumber"));
  if (it == sandbox_.end()) {
    return AwsError::Client("ResourceNotFound", "Phone number does not exist", 404);
  }
  if (it->second.value("code", "") != Str(in, "OneTimePassword")) {
    return AwsError::Client("VerificationException", "Invalid one-time password");
  }
  it->second["status"] = "Verified";
  Outcome o;
  WriteKv("sandbox", json(sandbox_), o.writes);
  return o;
}

SnsCore::OpResult SnsCore::ListSMSSandboxPhoneNumbers(const RequestContext&, json&, Deferred&) {
  Outcome o;
  json list = json::array();
  for (const auto& [number, v] : sandbox_) {
    list.push_back({{"PhoneNumber", number}, {"Status", v.value("status", "Pending")}});
  }
  o.output = {{"PhoneNumbers", list}};
  return o;
}

SnsCore::OpResult SnsCore::ListOriginationNumbers(const RequestContext&, json&, Deferred&) {
  Outcome o;
  o.output = {{"PhoneNumbers", json::array()}};
  return o;
}

}  // namespace wharf::sns
