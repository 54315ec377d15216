// Platform applications and endpoints (mobile push, emulated: messages go to the outbox).
#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {
namespace {

json AttrMap(const std::map<std::string, std::string>& m) {
  json a = json::object();
  for (const auto& [k, v] : m) a[k] = v;
  return a;
}

std::map<std::string, std::string> ToMap(const json& j) {
  std::map<std::string, std::string> out;
  if (!j.is_object()) return out;
  for (auto& [k, v] : j.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}

json AppDoc(const PlatformApp& a) {
  return {{"arn", a.arn},         {"name", a.name},     {"platform", a.platform},
          {"account", a.account}, {"region", a.region}, {"attributes", a.attributes}};
}
json EndpointDoc(const PlatformEndpoint& e) {
  return {{"arn", e.arn}, {"app", e.app_arn}, {"token", e.token}, {"attributes", e.attributes}};
}

// Keeps the write-only credential attributes out of Get responses.
json VisibleAppAttributes(const PlatformApp& a) {
  json out = AttrMap(a.attributes);
  out.erase("PlatformCredential");
  out.erase("PlatformPrincipal");
  return out;
}

// A platform endpoint's attributes: names AWS knows, CustomUserData within 2,048 bytes.
Status CheckEndpointAttributes(const std::map<std::string, std::string>& attrs) {
  for (const auto& [k, v] : attrs) {
    if (k != "CustomUserData" && k != "Enabled" && k != "Token") {
      return InvalidParameter("Attributes Reason: Invalid attribute name: " + k);
    }
  }
  if (auto data = attrs.find("CustomUserData"); data != attrs.end() && data->second.size() > 2048) {
    return InvalidParameter(
        "Attributes Reason: Invalid value for attribute: CustomUserData: must "
        "be at most 2048 bytes long in UTF-8 encoding");
  }
  return OkStatus();
}

}  // namespace

void SnsCore::WritePlatform(const std::string& kind, const std::string& id, const json& doc,
                            Sql& w) const {
  w.push_back({kUpsertObject, {kind, id, doc.dump()}});
}

SnsCore::OpResult SnsCore::CreatePlatformApplication(const RequestContext& ctx, json& in,
                                                     Deferred&) {
  const std::string name = Str(in, "Name"), platform = Str(in, "Platform");
  if (!in.contains("Attributes")) return NullMember("attributes");
  if (name.empty()) return InvalidParameter(" Reason: cannot be empty");
  if (name.size() > 256)
    return InvalidParameter(name + " Reason: must be at most 256 characters long");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return InvalidParameter(name +
                              " Reason: must contain only characters 'a'-'z', 'A'-'Z', "
                              "'0'-'9', '_', '-', and '.'");
    }
  }
  static const std::set<std::string> kPlatforms = {"ADM",   "APNS", "APNS_SANDBOX", "GCM",
                                                   "BAIDU", "MPNS", "WNS"};
  if (!kPlatforms.count(platform))
    return InvalidParameter("Platform Reason: " + platform + " is not supported");
  auto attrs = ToMap(in["Attributes"]);
  const bool principal = attrs.count("PlatformPrincipal"),
             credential = attrs.count("PlatformCredential");
  if (principal && !credential) {
    return InvalidParameter(
        "Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential");
  }
  // Every platform but GCM (an FCM key or service account alone) names a principal: ADM's client
  // id (recorded), an APNs certificate or signing key id, Baidu's API key, the MPNS
  // certificate, WNS's package SID.
  if (credential && !principal && platform != "GCM") {
    return InvalidParameter(
        "Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal");
  }
  auto a = std::make_shared<PlatformApp>();
  a->arn = "arn:aws:sns:" + ctx.region + ":" + ctx.account + ":app/" + platform + "/" + name;
  a->name = name;
  a->platform = platform;
  a->account = ctx.account;
  a->region = ctx.region;
  a->attributes = std::move(attrs);
  if (!a->attributes.count("Enabled")) a->attributes["Enabled"] = "true";
  apps_[a->arn] = a;
  Outcome o;
  WritePlatform("app", a->arn, AppDoc(*a), o.writes);
  o.output = {{"PlatformApplicationArn", a->arn}};
  return o;
}

SnsCore::OpResult SnsCore::DeletePlatformApplication(const RequestContext&, json& in, Deferred&) {
  const std::string arn = Str(in, "PlatformApplicationArn");
  WHARF_RETURN_IF_ERROR(ParseArn(arn, "PlatformApplicationArn"));
  Outcome o;
  for (auto it = endpoints_.begin(); it != endpoints_.end();) {
    if (it->second->app_arn == arn) {
      o.writes.push_back({kDeleteObject, {std::string("endpoint"), it->first}});
      it = endpoints_.erase(it);
    } else {
      ++it;
    }
  }
  if (apps_.erase(arn)) o.writes.push_back({kDeleteObject, {std::string("app"), arn}});
  return o;
}

SnsCore::OpResult SnsCore::GetPlatformApplicationAttributes(const RequestContext&, json& in,
                                                            Deferred&) {
  const std::string arn = Str(in, "PlatformApplicationArn");
  WHARF_RETURN_IF_ERROR(ParseArn(arn, "PlatformApplicationArn"));
  auto it = apps_.find(arn);
  if (it == apps_.end()) return NotFound("PlatformApplication does not exist");
  Outcome o;
  o.output = {{"Attributes", VisibleAppAttributes(*it->second)}};
  return o;
}

SnsCore::OpResult SnsCore::SetPlatformApplicationAttributes(const RequestContext&, json& in,
                                                            Deferred&) {
  const std::string arn = Str(in, "PlatformApplicationArn");
  WHARF_RETURN_IF_ERROR(ParseArn(arn, "PlatformApplicationArn"));
  // Attributes is required, but AWS checks the ARN first (see scripts/gen_models.py).
  if (!in.contains("Attributes")) return NullMember("attributes");
  auto it = apps_.find(arn);
  if (it == apps_.end()) return NotFound("PlatformApplication does not exist");
  for (auto& [k, v] : ToMap(in.value("Attributes", json::object()))) it->second->attributes[k] = v;
  Outcome o;
  WritePlatform("app", arn, AppDoc(*it->second), o.writes);
  return o;
}

SnsCore::OpResult SnsCore::ListPlatformApplications(const RequestContext& ctx, json& in,
                                                    Deferred&) {
  Outcome o;
  std::string next;
  json apps = json::array();
  auto page = Page(
      apps_, Str(in, "NextToken"), 100,
      [&](const auto& a) { return a->account == ctx.account && a->region == ctx.region; }, &next);
  for (auto it : page) {
    apps.push_back(
        {{"PlatformApplicationArn", it->first}, {"Attributes", VisibleAppAttributes(*it->second)}});
  }
  o.output = {{"PlatformApplications", apps}};
  if (!next.empty()) o.output["NextToken"] = next;
  return o;
}

SnsCore::OpResult SnsCore::CreatePlatformEndpoint(const RequestContext&, json& in, Deferred&) {
  const std::string app_arn = Str(in, "PlatformApplicationArn"), token = Str(in, "Token");
  WHARF_RETURN_IF_ERROR(ParseArn(app_arn, "PlatformApplicationArn"));
  auto app = apps_.find(app_arn);
  if (app == apps_.end()) return NotFound("PlatformApplication does not exist");
  auto attrs = ToMap(in.value("Attributes", json::object()));
  // Given both ways, the Attributes entry wins (recorded).
  if (in.contains("CustomUserData")) attrs.emplace("CustomUserData", Str(in, "CustomUserData"));
  WHARF_RETURN_IF_ERROR(CheckEndpointAttributes(attrs));
  for (const auto& [arn, e] : endpoints_) {
    if (e->app_arn != app_arn || e->token != token) continue;
    for (const auto& [k, v] : attrs) {
      auto cur = e->attributes.find(k);
      if (cur == e->attributes.end() || cur->second != v) {
        return InvalidParameter("Token Reason: Endpoint " + arn +
                                " already exists with the same Token, but different attributes.");
      }
    }
    Outcome o;
    o.output = {{"EndpointArn", arn}};
    return o;
  }
  auto e = std::make_shared<PlatformEndpoint>();
  const auto& a = *app->second;
  e->arn = "arn:aws:sns:" + a.region + ":" + a.account + ":endpoint/" + a.platform + "/" + a.name +
           "/" + NewUuid();
  e->app_arn = app_arn;
  e->token = token;
  e->attributes = std::move(attrs);
  e->attributes["Token"] = token;
  if (!e->attributes.count("Enabled")) e->attributes["Enabled"] = "true";
  endpoints_[e->arn] = e;
  Outcome o;
  WritePlatform("endpoint", e->arn, EndpointDoc(*e), o.writes);
  o.output = {{"EndpointArn", e->arn}};
  return o;
}

Result<std::shared_ptr<PlatformEndpoint>> SnsCore::EndpointLocked(const std::string& arn) {
  auto parsed = ParseArn(arn, "EndpointArn");
  if (!parsed.ok()) return std::move(parsed).error();
  if (std::count(parsed->resource.begin(), parsed->resource.end(), '/') != 3) {
    return InvalidParameter(
        "EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.");
  }
  auto it = endpoints_.find(arn);
  if (it == endpoints_.end()) return NotFound("Endpoint does not exist");
  return it->second;
}

SnsCore::OpResult SnsCore::DeleteEndpoint(const RequestContext&, json& in, Deferred&) {
  const std::string arn = Str(in, "EndpointArn");
  Outcome o;
  if (endpoints_.erase(arn)) o.writes.push_back({kDeleteObject, {std::string("endpoint"), arn}});
  return o;
}

SnsCore::OpResult SnsCore::GetEndpointAttributes(const RequestContext&, json& in, Deferred&) {
  auto e = EndpointLocked(Str(in, "EndpointArn"));
  if (!e.ok()) return std::move(e).error();
  Outcome o;
  o.output = {{"Attributes", AttrMap((*e)->attributes)}};
  return o;
}

SnsCore::OpResult SnsCore::SetEndpointAttributes(const RequestContext&, json& in, Deferred&) {
  auto e = EndpointLocked(Str(in, "EndpointArn"));
  if (!e.ok()) return std::move(e).error();
  auto attrs = ToMap(in.value("Attributes", json::object()));
  WHARF_RETURN_IF_ERROR(CheckEndpointAttributes(attrs));
  for (auto& [k, v] : attrs) (*e)->attributes[k] = v;
  if (attrs.count("Token")) (*e)->token = attrs["Token"];
  Outcome o;
  WritePlatform("endpoint", (*e)->arn, EndpointDoc(**e), o.writes);
  return o;
}

SnsCore::OpResult SnsCore::ListEndpointsByPlatformApplication(const RequestContext&, json& in,
                                                              Deferred&) {
  const std::string app_arn = Str(in, "PlatformApplicationArn");
  WHARF_RETURN_IF_ERROR(ParseArn(app_arn, "PlatformApplicationArn"));
  if (!apps_.count(app_arn)) return NotFound("PlatformApplication does not exist");
  Outcome o;
  std::string next;
  json eps = json::array();
  auto page = Page(
      endpoints_, Str(in, "NextToken"), 100, [&](const auto& e) { return e->app_arn == app_arn; },
      &next);
  for (auto it : page) {
    eps.push_back({{"EndpointArn", it->first}, {"Attributes", AttrMap(it->second->attributes)}});
  }
  o.output = {{"Endpoints", eps}};
  if (!next.empty()) o.output["NextToken"] = next;
  return o;
}

}  // namespace wharf::sns
