// The validation flavour table: which error each service gives for an invalid request.
#include <array>

#include "protocol/validate.h"

namespace wharf {
namespace {

constexpr std::array<ValidationFlavour, 8> kFlavours = {{
    // service, style, code, input_prefix, check_constraints
    {"sqs", ValidationStyle::kSqs, "", false, false},
    {"sns", ValidationStyle::kCoral, "ValidationError", false, true},
    {"kinesis", ValidationStyle::kCoral, "ValidationException", false, true},
    {"firehose", ValidationStyle::kCoral, "ValidationException", false, true},
    {"swf", ValidationStyle::kCoral, "ValidationException", false, true},
    {"apigateway", ValidationStyle::kCoral, "ValidationException", true, true},
    {"elastictranscoder", ValidationStyle::kCoral, "ValidationException", false, true},
    {"", ValidationStyle::kCoral, "ValidationException", false, true},
}};

}  // namespace

const ValidationFlavour& FlavourFor(std::string_view service) {
  for (const auto& f : kFlavours) {
    if (f.service == service) return f;
  }
  return kFlavours.back();
}

}  // namespace wharf
