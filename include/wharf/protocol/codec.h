// Protocol codecs: one per AWS wire protocol. A codec turns an HTTP request into an operation
// name plus a JSON input document (see wharf/dispatch/engine.h for its conventions), and an
// output document or AwsError into an HTTP response. Codecs never see engines.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "wharf/core/result.h"
#include "wharf/dispatch/engine.h"
#include "wharf/http/message.h"

namespace wharf {

class ServiceModel;

struct DecodedCall {
  std::string operation;  // e.g. "SendMessage"
  nlohmann::json input;   // validated against the operation's input shape
};

class Codec {
 public:
  virtual ~Codec() = default;
  // Decodes and validates. Errors are the ones AWS gives for that protocol (e.g. InvalidAction,
  // UnknownOperationException, SerializationException, MissingParameter, ValidationException).
  virtual Result<DecodedCall> Decode(const HttpRequest& request) const = 0;
  // Encodes an operation's output with the modelled success status.
  virtual HttpResponse EncodeOutput(const std::string& operation, const nlohmann::json& output,
                                    const RequestContext& ctx) const = 0;
  // Encodes an error in the protocol's envelope with its status and headers.
  virtual HttpResponse EncodeError(const AwsError& error, const RequestContext& ctx) const = 0;
};

// The wire protocols wharf speaks.
enum class Protocol { kQuery, kJson, kCbor, kRestJson, kRestXml };

// A codec for `model` spoken in `protocol`. The model outlives the codec.
std::unique_ptr<Codec> MakeCodec(Protocol protocol, const ServiceModel& model);

}  // namespace wharf
