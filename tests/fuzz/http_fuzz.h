// Shared body of the HTTP transport targets. There is no socket-free entry into the sessions, so
// the targets fuzz a real HttpServer (one per process, port 0, one I/O thread) over loopback:
// each input is written on a fresh connection, which is then half-closed, and everything the
// server sends back is read until it closes (or 2 s pass). The handler checks the transport's
// contract on every request it gets (lower-case header names, path/query split of the target,
// body within the limit) and answers at once; "/stream..." paths get a streamed body.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace wharf::fuzz {

// The bytes the server sent back for `input`.
std::string ExchangeWithServer(std::string_view input);

}  // namespace wharf::fuzz
