// MakeCodec: picks the codec for a protocol. Codecs whose folder is not built answer every
// request with a NotImplemented error instead of pretending to work.
#include <memory>
#include <string>

#include "protocol/json/json_codec.h"
#include "wharf/protocol/codec.h"
#include "wharf/protocol/model.h"
#ifdef WHARF_HAVE_QUERY_CODEC
#include "protocol/query/query_codec.h"
#endif
#ifdef WHARF_HAVE_REST_CODEC
#include "protocol/rest/rest_codec.h"
#include "wharf/core/json_text.h"
#endif

namespace wharf {
namespace {

class UnavailableCodec final : public Codec {
 public:
  explicit UnavailableCodec(std::string protocol) : protocol_(std::move(protocol)) {}

  Result<DecodedCall> Decode(const HttpRequest& request) const override {
    (void)request;
    return Error();
  }

  HttpResponse EncodeOutput(const std::string& operation, const nlohmann::json& output,
                            const RequestContext& ctx) const override {
    (void)operation;
    (void)output;
    return EncodeError(Error(), ctx);
  }

  HttpResponse EncodeError(const AwsError& error, const RequestContext& ctx) const override {
    HttpResponse response;
    response.status = error.http_status;
    response.headers.emplace_back("Content-Type", "application/json");
    response.headers.emplace_back("x-amzn-RequestId", ctx.request_id);
    response.headers.emplace_back("x-amzn-ErrorType", error.code);
    nlohmann::json body = {{"__type", error.code}, {"message", error.message}};
    response.body = JsonText(body);
    return response;
  }

 private:
  AwsError Error() const {
    return AwsError{"NotImplemented",
                    "The " + protocol_ + " protocol is not implemented in this build",
                    501,
                    false,
                    {}};
  }

  std::string protocol_;
};

}  // namespace

std::unique_ptr<Codec> MakeCodec(Protocol protocol, const ServiceModel& model) {
  switch (protocol) {
    case Protocol::kJson:
      return MakeJsonCodec(model);
    case Protocol::kCbor:
      return MakeCborCodec(model);
    case Protocol::kQuery:
#ifdef WHARF_HAVE_QUERY_CODEC
      return MakeQueryCodec(model);
#else
      return std::make_unique<UnavailableCodec>("query");
#endif
    case Protocol::kRestJson:
#ifdef WHARF_HAVE_REST_CODEC
      return MakeRestJsonCodec(model);
#else
      return std::make_unique<UnavailableCodec>("rest-json");
#endif
    case Protocol::kRestXml:
#ifdef WHARF_HAVE_REST_CODEC
      return MakeRestXmlCodec(model);
#else
      return std::make_unique<UnavailableCodec>("rest-xml");
#endif
  }
  return std::make_unique<UnavailableCodec>("unknown");
}

}  // namespace wharf
