// Start-up: schema, signing key, loading state and resuming pending deliveries.
#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {
namespace {

constexpr std::string_view kMigrations[] = {
    "CREATE TABLE sns_objects(kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, "
    "PRIMARY KEY(kind, id))",
};
constexpr std::string_view kSelectAll = "SELECT kind, id, doc FROM sns_objects ORDER BY kind, id";
constexpr std::string_view kUpsert =
    "INSERT OR REPLACE INTO sns_objects(kind, id, doc) VALUES('delivery', ?1, ?2)";
constexpr std::string_view kDelete = "DELETE FROM sns_objects WHERE kind = 'delivery' AND id = ?1";

}  // namespace

Status SnsCore::Start() {
  WHARF_RETURN_IF_ERROR(env_.store.Migrate("sns", kMigrations));
  auto signer = Signer::LoadOrCreate(env_.store);
  if (!signer.ok()) return std::move(signer).error();
  std::vector<std::shared_ptr<Delivery>> resume;
  {
    std::lock_guard lock(mu_);
    signer_ = std::move(signer).value();
    WHARF_RETURN_IF_ERROR(LoadLocked());
    for (auto& [id, dv] : deliveries_) resume.push_back(dv);
  }
  StartDeliveries(resume);
  return OkStatus();
}

Status SnsCore::LoadLocked() {
  std::vector<std::tuple<std::string, std::string, json>> rows;
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
    } else if (kind == "delivery") {
      auto dv = std::make_shared<Delivery>();
      dv->id = id;
      dv->subscription_arn = doc.value("subscription", "");
      dv->attempt = doc.value("attempt", 0);
      dv->msg = std::make_shared<Published>(Published::FromJson(doc.value("message", json())));
      deliveries_[id] = dv;
    } else if (kind == "kv" && id == "sms_attributes" && doc.is_object()) {
      sms_attributes_ = doc;
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
  return OkStatus();
}

void SnsCore::WriteDelivery(const Delivery& dv, Sql& w) const {
  json doc = {{"subscription", dv.subscription_arn},
              {"attempt", dv.attempt},
              {"message", dv.msg->ToJson()}};
  w.push_back({kUpsert, {dv.id, doc.dump()}});
}

void SnsCore::EraseDelivery(const std::string& id) {
  env_.store.Write({SqlStatement{kDelete, {id}}}, [](Status) {});
}

}  // namespace wharf::sns
