// Start-up: schema, signing key, loading state and resuming pending deliveries; reloading the
// state after a failed commit.
#include <algorithm>

#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {
namespace {

constexpr std::string_view kMigrations[] = {
    "CREATE TABLE sns_objects(kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, "
    "PRIMARY KEY(kind, id))",
    // One row per delivery (its own copy of the message) becomes one "publish" row per message
    // and subscription list: here a one-subscription publish per old delivery.
    "INSERT OR REPLACE INTO sns_objects(kind, id, doc) SELECT 'publish', id, "
    "json_object('message', json(json_extract(doc, '$.message')), "
    "'subscriptions', json_array(json_extract(doc, '$.subscription'))) "
    "FROM sns_objects WHERE kind = 'delivery'; "
    "DELETE FROM sns_objects WHERE kind = 'delivery'",
};
constexpr std::string_view kSelectAll = "SELECT kind, id, doc FROM sns_objects ORDER BY kind, id";

}  // namespace

Status SnsCore::Start() {
  WHARF_RETURN_IF_ERROR(env_.store.Migrate("sns", kMigrations));
  signer_ = std::make_unique<BackgroundSigner>(env_.store);
  std::vector<std::shared_ptr<Delivery>> resume;
  {
    std::lock_guard lock(mu_);
    WHARF_RETURN_IF_ERROR(LoadLocked());
    for (auto& [id, dv] : deliveries_) resume.push_back(dv);
  }
  // The key is loaded (or made) when SNS is first used; pending deliveries will sign at once.
  if (!resume.empty()) signer_->Prepare();
  StartDeliveries(resume);
  return OkStatus();
}

Status SnsCore::LoadLocked() {
  std::vector<std::tuple<std::string, std::string, json>> rows;
  std::vector<std::pair<std::string, json>> retries;  // applied once their deliveries exist
  std::vector<std::pair<std::string, json>> dedups;   // applied once their topics exist
  WHARF_RETURN_IF_ERROR(env_.store.Read(kSelectAll, {}, [&](const SqlRow& row) {
    rows.emplace_back(row.Text(0), row.Text(1), json::parse(row.Text(2), nullptr, false));
  }));
  for (auto& [kind, id, doc] : rows) {
    if (!doc.is_object() && kind != "kv") continue;
    if (kind == "topic") {
      topics_[id] = std::make_shared<Topic>(Topic::FromJson(doc));
    } else if (kind == "subscription") {
      subscriptions_[id] = std::make_shared<Subscription>(Subscription::FromJson(doc));
    } else if (kind == "app") {
      auto a = std::make_shared<PlatformApp>();
      a->arn = id;
      a->name = doc.value("name", "");
      a->platform = doc.value("platform", "");
      a->account = doc.value("account", "");
      a->region = doc.value("region", "");
      a->attributes = doc.value("attributes", std::map<std::string, std::string>{});
      apps_[id] = a;
    } else if (kind == "endpoint") {
      auto e = std::make_shared<PlatformEndpoint>();
      e->arn = id;
      e->app_arn = doc.value("app", "");
      e->token = doc.value("token", "");
      e->attributes = doc.value("attributes", std::map<std::string, std::string>{});
      endpoints_[id] = e;
    } else if (kind == "publish") {
      auto msg = std::make_shared<Published>(Published::FromJson(doc.value("message", json())));
      int& pending = publish_pending_[id];
      for (const json& arn : doc.value("subscriptions", json::array())) {
        if (!arn.is_string()) continue;
        auto dv = std::make_shared<Delivery>();
        dv->publish_id = id;
        dv->subscription_arn = arn.get<std::string>();
        dv->id = id + '\n' + dv->subscription_arn;
        dv->msg = msg;
        deliveries_[dv->id] = dv;
        ++pending;
      }
    } else if (kind == "retry") {
      retries.emplace_back(id, doc);
    } else if (kind == "dedup") {
      dedups.emplace_back(id, doc);
    } else if (kind == "kv" && id == "sms_attributes_by_scope" && doc.is_object()) {
      sms_attributes_ = doc;
    } else if (kind == "kv" && id == "sms_attributes" && doc.is_object()) {
      // Before attributes were kept per account and region: the default account's, us-east-1.
      // (A later SetSMSAttributes writes "sms_attributes_by_scope", which is then read.)
      sms_attributes_.emplace(env_.config.default_account + ":us-east-1", doc);
    } else if (kind == "kv" && id == "opted_out" && doc.is_array()) {
      opted_out_ = doc.get<std::set<std::string>>();
    } else if (kind == "kv" && id == "sandbox" && doc.is_object()) {
      sandbox_ = doc.get<std::map<std::string, json>>();
    }
  }
  for (auto& [arn, s] : subscriptions_) {
    if (auto t = topics_.find(s->topic_arn); t != topics_.end())
      t->second->subscriptions.insert(arn);
  }
  // Expired entries too: the topic's next publish drops them and their rows.
  for (auto& [id, doc] : dedups) {
    const size_t nl = id.find('\n');
    auto t = nl == std::string::npos ? topics_.end() : topics_.find(id.substr(0, nl));
    if (t == topics_.end()) continue;
    const int64_t expire_ms = doc.value("expire_ms", int64_t{0});
    t->second->dedup[id.substr(nl + 1)] = {expire_ms, doc.value("message_id", ""),
                                           doc.value("sequence", "")};
    t->second->dedup_expiry.emplace_back(expire_ms, id.substr(nl + 1));
  }
  for (auto& [arn, t] : topics_) std::sort(t->dedup_expiry.begin(), t->dedup_expiry.end());
  for (auto& [id, doc] : retries) {
    auto dv = deliveries_.find(id);
    if (dv == deliveries_.end()) continue;
    dv->second->attempt = doc.value("attempt", 0);
    dv->second->next_ms = doc.value("next_ms", int64_t{0});
    dv->second->retry_stored = true;
  }
  return OkStatus();
}

Status SnsCore::RefreshLocked(Deferred& d) {
  if (!commit_state_.stale) return OkStatus();
  auto running = std::move(deliveries_);
  deliveries_.clear();
  DropStateLocked();
  Status loaded = LoadLocked();
  if (loaded.ok()) {
    commit_state_.stale = false;
  } else {
    DropStateLocked();  // what was loaded before the read failed
  }
  std::vector<std::shared_ptr<Delivery>> resumed;
  for (auto& [id, dv] : deliveries_) {
    auto it = running.find(id);
    if (it == running.end()) {
      resumed.push_back(dv);
    } else {
      dv = std::move(it->second);
      running.erase(it);
    }
  }
  for (auto& [id, dv] : running) {
    if (dv->timer != 0) env_.scheduler.Cancel(dv->timer);
  }
  if (!resumed.empty()) {
    d.push_back([this, resumed = std::move(resumed)] {
      signer_->Prepare();
      StartDeliveries(resumed);
    });
  }
  return loaded;
}

void SnsCore::DropStateLocked() {
  for (auto& [id, dv] : deliveries_) {
    if (dv->timer != 0) env_.scheduler.Cancel(dv->timer);
  }
  topics_.clear();
  subscriptions_.clear();
  apps_.clear();
  endpoints_.clear();
  deliveries_.clear();
  publish_pending_.clear();
  sms_attributes_ = json::object();
  opted_out_.clear();
  sandbox_.clear();
  ++generation_;
}

bool SnsCore::PendingLocked(const Delivery& dv) const {
  auto it = deliveries_.find(dv.id);
  return it != deliveries_.end() && it->second.get() == &dv;
}

SqlStatement SnsCore::PublishRow(const std::string& id, const Published& msg,
                                 const std::vector<std::string>& subscriptions) {
  json doc = {{"message", msg.ToJson()}, {"subscriptions", subscriptions}};
  return {kUpsertObject, {std::string("publish"), id, doc.dump()}};
}

SqlStatement SnsCore::DeletePublishRow(const std::string& id) {
  return {kDeleteObject, {std::string("publish"), id}};
}

SqlStatement SnsCore::RetryRow(const Delivery& dv) {
  json doc = {{"attempt", dv.attempt}, {"next_ms", dv.next_ms}};
  return {kUpsertObject, {std::string("retry"), dv.id, doc.dump()}};
}

SqlStatement SnsCore::DeleteRetryRow(const Delivery& dv) {
  return {kDeleteObject, {std::string("retry"), dv.id}};
}

SqlStatement SnsCore::DedupRow(const Topic& t, const std::string& dedup_id) {
  const Topic::Dedup& e = t.dedup.at(dedup_id);
  json doc = {{"expire_ms", e.expire_ms}, {"message_id", e.message_id}, {"sequence", e.sequence}};
  return {kUpsertObject, {std::string("dedup"), t.arn + '\n' + dedup_id, doc.dump()}};
}

SqlStatement SnsCore::DeleteDedupRow(const Topic& t, const std::string& dedup_id) {
  return {kDeleteObject, {std::string("dedup"), t.arn + '\n' + dedup_id}};
}

}  // namespace wharf::sns
