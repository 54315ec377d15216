// Shared body of the codec Decode targets: the first input byte picks one of the target's
// services, the rest is an HttpRequest (see fuzz_request.h). Decodes it; a decoded call must name
// an operation and carry an object; an error must carry a code and a 4xx/5xx status, and is then
// encoded in the protocol's envelope (error messages often quote the input). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "fuzz_check.h"
#include "wharf/protocol/codec.h"

namespace wharf::fuzz {

// REQUIRES: every name in `services` has a model.
void FuzzDecode(Protocol protocol, std::initializer_list<std::string_view> services,
                const uint8_t* data, size_t size);

}  // namespace wharf::fuzz
