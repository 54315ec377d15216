// Small helpers over the transport-neutral HTTP types used by routing and SigV4. Pure functions,
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wharf/http/message.h"

namespace wharf::dispatch {

// First header named `name` (lower-case) or "" when absent.
std::string_view FindHeader(const HeaderList& headers, std::string_view name);
bool HasHeader(const HeaderList& headers, std::string_view name);

// RFC 3986 encoding as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay bare ('/' too when
// `keep_slash`), everything else is %XX with upper-case hex.
std::string UriEncode(std::string_view text, bool keep_slash);

bool StartsWith(std::string_view text, std::string_view prefix);

// True when the request's body is a form (application/x-www-form-urlencoded).
bool IsFormRequest(const HttpRequest& request);

}  // namespace wharf::dispatch
