#include "http/wire.h"

#include <strings.h>

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ctime>

namespace wharf::http_internal {
namespace {

void AppendNumber(std::string& out, uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n);
  out.append(buf, end);
}

}  // namespace

std::string_view HttpDate(const std::function<int64_t()>& now_ms) {
  thread_local time_t cached_second = 0;
  thread_local char cached[40] = {0};
  thread_local size_t cached_len = 0;
  const time_t now = now_ms ? static_cast<time_t>(now_ms() / 1000) : time(nullptr);
  if (now != cached_second) {
    struct tm tm_utc;
    gmtime_r(&now, &tm_utc);
    cached_len = strftime(cached, sizeof(cached), "%a, %d %b %Y %H:%M:%S GMT", &tm_utc);
    cached_second = now;
  }
  return std::string_view(cached, cached_len);
}

void SplitTarget(HttpRequest& request) {
  auto q = request.target.find('?');
  if (q == std::string::npos) {
    request.path = request.target;
    request.query.clear();
  } else {
    request.path.assign(request.target, 0, q);
    request.query.assign(request.target, q + 1);
  }
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool IsTransportHeader(std::string_view name) {
  return EqualsNoCase(name, "content-length") || EqualsNoCase(name, "transfer-encoding") ||
         EqualsNoCase(name, "connection") || EqualsNoCase(name, "keep-alive") ||
         EqualsNoCase(name, "upgrade");
}

HeaderPresence ScanHeaders(const HttpResponse& response) {
  HeaderPresence p;
  for (const auto& [n, v] : response.headers) {
    if (EqualsNoCase(n, "date")) p.date = true;
    if (EqualsNoCase(n, "server")) p.server = true;
    if (EqualsNoCase(n, "content-length")) p.content_length = true;
  }
  return p;
}

bool StatusAllowsBody(int status, bool head_request) {
  return !head_request && status >= 200 && status != 204 && status != 304;
}

void AppendHttp1Head(std::string& out, int version, bool keep_alive, bool head_request,
                     bool chunked, size_t body_size, const HttpResponse& response,
                     std::string_view date) {
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendNumber(out, static_cast<uint64_t>(response.status));
  out.push_back(' ');
  auto reason = boost::beast::http::obsolete_reason(
      boost::beast::http::int_to_status(static_cast<unsigned>(response.status)));
  if (reason.empty() || reason.front() == '<') reason = "Unknown";
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  bool keep_user_length = head_request;
  for (const auto& [n, v] : response.headers) {
    if (IsTransportHeader(n) && !(keep_user_length && EqualsNoCase(n, "content-length"))) {
      continue;
    }
    out.append(n).append(": ").append(v).append("\r\n");
  }
  HeaderPresence present = ScanHeaders(response);
  if (!present.date) out.append("Date: ").append(date).append("\r\n");
  if (!present.server) out.append("Server: ").append(kServerName).append("\r\n");
  if (chunked) {
    out.append("Transfer-Encoding: chunked\r\n");
  } else if (!(head_request && present.content_length) &&
             (StatusAllowsBody(response.status, false) || head_request)) {
    out.append("Content-Length: ");
    AppendNumber(out, body_size);
    out.append("\r\n");
  }
  if (!keep_alive) {
    out.append("Connection: close\r\n");
  } else if (version == 10) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
}

}  // namespace wharf::http_internal
