#include "admin/admin_access.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>

#include "dispatch/http_util.h"

namespace wharf::admin {
namespace {

constexpr std::string_view kTokenHeader = "x-wharf-admin-token";

bool IsOpenRoute(const HttpRequest& request) {
  const std::string& path = request.path;
  if (path == "/" || path == "/_wharf/health" || path == "/_wharf/health/" ||
      path == "/_localstack/health") {
    return true;
  }
  return request.method == "GET" &&
         dispatch::StartsWith(path, "/_wharf/sns/SimpleNotificationService-") &&
         path.ends_with(".pem");
}

bool TokenMatches(std::string_view given, const std::string& expected) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") return true;
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;  // another host name: it may resolve beyond loopback
}

std::optional<AdminDenial> CheckAdminAccess(const Config& config, const HttpRequest& request) {
  if (IsOpenRoute(request)) return std::nullopt;
  if (!config.admin_token.empty()) {
    if (TokenMatches(dispatch::FindHeader(request.headers, kTokenHeader), config.admin_token)) {
      return std::nullopt;
    }
    return AdminDenial{401, "Unauthorized",
                       "this admin route needs header x-wharf-admin-token with the admin token"};
  }
  if (IsLoopbackHost(config.host) || request.method == "GET" || request.method == "HEAD") {
    return std::nullopt;
  }
  return AdminDenial{
      403, "Forbidden",
      "wharf listens on " + config.host +
          ", beyond loopback, and has no admin token: admin routes that change state are "
          "refused. Start wharf with --admin-token TOKEN (or WHARF_ADMIN_TOKEN=TOKEN) and send "
          "header x-wharf-admin-token: TOKEN, or listen on 127.0.0.1"};
}

}  // namespace wharf::admin
