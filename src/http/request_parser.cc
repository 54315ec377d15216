#include "http/request_parser.h"

#include <string_view>

#include "http/wire.h"
#include "wharf/core/encoding.h"

namespace wharf::http_internal {

namespace {

std::string_view Sv(boost::beast::string_view s) { return std::string_view(s.data(), s.size()); }

// Room for the headers an SDK sends (Host, Authorization, X-Amz-*, Content-*, User-Agent, ...).
constexpr size_t kUsualHeaderCount = 16;

}  // namespace

void RequestParser::on_request_impl(verb method, string_view method_str, string_view target,
                                    int version, error_code&) {
  request_.method.assign(Sv(method_str));
  request_.target.assign(Sv(target));
  SplitTarget(request_);
  request_.headers.reserve(kUsualHeaderCount);
  version_ = version >= 11 ? 11 : 10;
  head_ = method == verb::head;
}

void RequestParser::on_field_impl(field name, string_view name_string, string_view value,
                                  error_code&) {
  if (name == field::expect) expects_continue_ = EqualsNoCase(Sv(value), "100-continue");
  request_.headers.emplace_back(AsciiLower(Sv(name_string)), std::string(Sv(value)));
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  // The parser has already refused a Content-Length beyond body_limit().
  if (content_length) request_.body.reserve(static_cast<size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace wharf::http_internal
