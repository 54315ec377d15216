// Who may use the admin API (docs/reliability.md, "Admin API access").
//
//  - Open to everyone: the health routes (GET /, /_wharf/health, /_localstack/health) and the
//    SNS signing certificate (GET /_wharf/sns/SimpleNotificationService-*.pem), which HTTP
//    subscribers fetch to verify signatures, as they do from AWS.
//  - With an admin token configured (--admin-token / WHARF_ADMIN_TOKEN): every other admin
//    route needs header x-wharf-admin-token with that value; otherwise 401 Unauthorized.
//  - Without a token, listening on a loopback address (127.0.0.0/8, ::1, localhost): open.
//  - Without a token, listening beyond loopback (0.0.0.0, ::, a LAN address, a host name):
//    reads (GET, HEAD) are open, and routes that change state (reset, moving the clock,
//    service admin writes, the /moto-api/reset alias) are refused with 403 Forbidden and a
//    message saying how to set a token.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wharf/config/config.h"
#include "wharf/http/message.h"

namespace wharf::admin {

// A refused admin request: the status and JSON error code and message to answer with.
struct AdminDenial {
  int status;
  std::string code;
  std::string message;
};

// True for a literal loopback address (127.0.0.0/8, ::1, ::ffff:127.x.x.x) or "localhost".
bool IsLoopbackHost(std::string_view host);

// Applies the rules above to one admin request; empty when it may proceed.
std::optional<AdminDenial> CheckAdminAccess(const Config& config, const HttpRequest& request);

}  // namespace wharf::admin
