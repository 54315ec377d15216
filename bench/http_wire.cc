#include "http_wire.h"

#include <charconv>
#include <cstdint>

namespace wharf::bench {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

bool IContains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (IEquals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

struct Head {
  int status = 0;
  bool http10 = false;
  bool chunked = false;
  bool has_length = false;
  uint64_t length = 0;
  bool close = false;
  bool keep_alive_token = false;
  size_t size = 0;  // bytes including the blank line
};

// Returns kIncomplete until the blank line arrives, kError on a malformed head.
ParseState ParseHead(std::string_view data, Head* head) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return ParseState::kIncomplete;
  head->size = end + 4;
  std::string_view text = data.substr(0, end);
  size_t line_end = text.find("\r\n");
  std::string_view status_line = text.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return ParseState::kError;
  head->http10 = status_line.substr(5, 3) == "1.0";
  std::string_view code = status_line.substr(9, 3);
  auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), head->status);
  if (ec != std::errc() || ptr != code.data() + 3 || head->status < 100) return ParseState::kError;
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 2;
    line_end = text.find("\r\n", start);
    std::string_view line = text.substr(
        start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return ParseState::kError;
    std::string_view name = line.substr(0, colon);
    std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(name, "content-length")) {
      auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), head->length);
      if (e != std::errc() || p != value.data() + value.size()) return ParseState::kError;
      head->has_length = true;
    } else if (IEquals(name, "transfer-encoding")) {
      head->chunked = IContains(value, "chunked");
    } else if (IEquals(name, "connection")) {
      head->close = IContains(value, "close");
      head->keep_alive_token = IContains(value, "keep-alive");
    }
  }
  return ParseState::kComplete;
}

// Decodes a chunked body starting at data[0]. Returns kComplete with `consumed` bytes (through the
// trailer's blank line).
ParseState ParseChunked(std::string_view data, std::string* body, size_t* consumed) {
  body->clear();
  size_t pos = 0;
  while (true) {
    size_t line_end = data.find("\r\n", pos);
    if (line_end == std::string_view::npos) return ParseState::kIncomplete;
    std::string_view size_text = data.substr(pos, line_end - pos);
    size_t semi = size_text.find(';');
    if (semi != std::string_view::npos) size_text = size_text.substr(0, semi);
    size_text = Trim(size_text);
    uint64_t size = 0;
    auto [p, e] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (e != std::errc() || p != size_text.data() + size_text.size()) return ParseState::kError;
    pos = line_end + 2;
    if (size == 0) {
      // Trailer section: header lines until an empty line.
      while (true) {
        size_t end = data.find("\r\n", pos);
        if (end == std::string_view::npos) return ParseState::kIncomplete;
        bool empty = end == pos;
        pos = end + 2;
        if (empty) {
          *consumed = pos;
          return ParseState::kComplete;
        }
      }
    }
    if (data.size() < pos + size + 2) return ParseState::kIncomplete;
    body->append(data.substr(pos, size));
    if (data.substr(pos + size, 2) != "\r\n") return ParseState::kError;
    pos += size + 2;
  }
}

}  // namespace

std::string Serialize(const HttpRequest& request) {
  std::string out;
  out.reserve(256 + request.body.size());
  out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
  for (const auto& [name, value] : request.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    out.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  out.append("\r\n").append(request.body);
  return out;
}

ParseResult ParseResponse(std::string_view data, HttpResponse* out, bool head_request) {
  Head head;
  ParseState state = ParseHead(data, &head);
  if (state != ParseState::kComplete) return {state, 0};
  out->status = head.status;
  out->keep_alive = head.http10 ? head.keep_alive_token : !head.close;
  std::string_view rest = data.substr(head.size);
  bool no_body = head_request || head.status == 204 || head.status == 304 || head.status < 200;
  if (no_body) {
    out->body.clear();
    return {ParseState::kComplete, head.size};
  }
  if (head.chunked) {
    size_t used = 0;
    ParseState s = ParseChunked(rest, &out->body, &used);
    return {s, s == ParseState::kComplete ? head.size + used : 0};
  }
  if (head.has_length) {
    if (rest.size() < head.length) return {ParseState::kIncomplete, 0};
    out->body.assign(rest.substr(0, head.length));
    return {ParseState::kComplete, head.size + head.length};
  }
  return {ParseState::kIncomplete, 0};  // body runs until the connection closes
}

ParseResult ParseAtEof(std::string_view data, HttpResponse* out) {
  Head head;
  if (ParseHead(data, &head) != ParseState::kComplete || head.chunked || head.has_length) {
    return {ParseState::kError, 0};
  }
  out->status = head.status;
  out->keep_alive = false;
  out->body.assign(data.substr(head.size));
  return {ParseState::kComplete, data.size()};
}

}  // namespace wharf::bench
