// The HTTP/1.x request parser: Beast's parser (limits, chunked coding, obs-fold, errors) with
// hooks that build an HttpRequest as the bytes arrive. Header names are lower-cased once, and
// no intermediate field container is filled and copied (Beast's basic_fields allocates a node
// per field). One parser per request; not thread-safe. Internal to src/http.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>

#include "wharf/http/message.h"

namespace wharf::http_internal {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser() = default;

  // The request as parsed so far; whole once is_done(). path and query are set with the
  // request line, the body as it arrives (de-chunked).
  HttpRequest& request() { return request_; }
  // Valid once the header is done (is_header_done()).
  int version() const { return version_; }  // 10 or 11
  bool is_head() const { return head_; }
  bool expects_continue() const { return expects_continue_; }  // "Expect: 100-continue"

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;
  using field = boost::beast::http::field;
  using verb = boost::beast::http::verb;

  void on_request_impl(verb method, string_view method_str, string_view target, int version,
                       error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}  // requests only
  void on_field_impl(field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  HttpRequest request_;
  int version_ = 11;
  bool head_ = false;
  bool expects_continue_ = false;
};

}  // namespace wharf::http_internal
