// application/x-www-form-urlencoded parsing for the query protocol (form bodies and URL query
// strings). Pure functions, thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace wharf::query {

// Decoded form parameters, sorted by name so that prefix scans ("Attribute.1.") are cheap.
using FormParams = std::map<std::string, std::string, std::less<>>;

// Adds every `name=value` pair of `form` (joined by '&', decoded by ParseFormPairs) to
// `params`. Pairs without '=' get an empty value; empty names are skipped. An existing name is
// overwritten (the last one wins).
void ParseForm(std::string_view form, FormParams& params);

}  // namespace wharf::query
