// /_wharf/sns/... routes: outbox, delivery log, SMS sandbox codes, opt-outs, signing cert.
#include <optional>

#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {
namespace {

json LogEntryJson(const std::string& subscription, const DeliveryLogEntry& e) {
  json out = {{"subscription", subscription}, {"status", e.status}, {"time", IsoMillis(e.time_ms)}};
  if (!e.type.empty()) out["type"] = e.type;
  if (!e.message_id.empty()) out["message_id"] = e.message_id;
  if (e.attempt != 0) out["attempt"] = e.attempt;
  if (e.http_status != 0) out["http_status"] = e.http_status;
  if (!e.error.empty()) out["error"] = e.error;
  if (e.retry_in_ms >= 0) out["retry_in_ms"] = e.retry_in_ms;
  return out;
}

}  // namespace

void SnsCore::Admin(const AdminRequest& request, OperationReply reply) {
  auto query = [&](const char* key) {
    auto it = request.query.find(key);
    return it == request.query.end() ? std::string() : it->second;
  };
  const std::string& path = request.path;
  const std::string& method = request.method;
  Sql writes;
  json out;
  Deferred d;
  std::optional<AwsError> refused;
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    if (Status fresh = RefreshLocked(d); !fresh.ok()) {
      refused = std::move(fresh).error();
    } else if (path == "/outbox" && method == "GET") {
      const std::string sub = query("subscription"), endpoint = query("endpoint");
      json list = json::array();
      for (const json& e : outbox_) {
        if (!sub.empty() && e.value("subscription", "") != sub) continue;
        if (!endpoint.empty() && e.value("endpoint", "") != endpoint) continue;
        list.push_back(e);
      }
      out = {{"messages", list}};
    } else if (path == "/outbox" && method == "DELETE") {
      out = {{"deleted", outbox_.size()}};
      outbox_.clear();
    } else if (path == "/deliveries" && method == "GET") {
      const std::string sub = query("subscription");
      json list = json::array();
      for (const auto& [arn, log] : delivery_log_) {
        if (!sub.empty() && arn != sub) continue;
        for (const DeliveryLogEntry& e : log) list.push_back(LogEntryJson(arn, e));
      }
      out = {{"deliveries", list}, {"pending", deliveries_.size()}};
    } else if (path == "/sms-sandbox" && method == "GET") {
      json list = json::array();
      for (const auto& [number, v] : sandbox_) {
        list.push_back({{"PhoneNumber", number},
                        {"Status", v.value("status", "")},
                        {"OneTimePassword", v.value("code", "")}});
      }
      out = {{"phoneNumbers", list}};
    } else if (path == "/opted-out" && method == "POST" && request.body.is_object()) {
      const std::string number = Str(request.body, "phoneNumber");
      if (!CheckPhoneNumber(number, false).ok()) {
        out = nullptr;
      } else {
        opted_out_.insert(number);
        WriteKv("opted_out", json(opted_out_), writes);
        out = {{"optedOut", number}};
      }
    } else if (const Signer* signer = signer_ ? signer_->Get() : nullptr;
               method == "GET" && signer != nullptr &&
               path == "/SimpleNotificationService-" + signer->cert_id() + ".pem") {
      out = signer->cert_pem();
    }
    if (!writes.empty()) {
      QueueWritesLocked(
          std::move(writes),
          [reply, out](Status s) {
            if (!s.ok()) return reply(std::move(s).error());
            reply(out);
          },
          d);
      queued = true;
    }
  }
  RunDeferred(d);
  if (queued) return;
  if (refused) return reply(std::move(*refused));
  if (out.is_null()) return reply(AwsError::Client("NotFound", "no such admin route", 404));
  reply(std::move(out));
}

}  // namespace wharf::sns
