// Turns fuzz bytes into an HttpRequest, so codec and SigV4 targets can share seeds written as
// plain HTTP/1-looking text:
//   METHOD SP TARGET LF            (a missing line means "POST /")
//   name: value LF ...             (names are lower-cased, as the transport does)
//   LF
//   body                           (everything after the blank line, byte for byte)
// CR before LF is dropped, so seeds captured from the wire work. Never fails. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wharf/http/message.h"

namespace wharf::fuzz {

HttpRequest RequestFromBytes(std::string_view bytes);

}  // namespace wharf::fuzz
