// The generated service model documents compiled into the binary (see models/embed.cmake).
#pragma once

#include <cstddef>
#include <string_view>

namespace wharf {

struct EmbeddedModel {
  std::string_view service;  // signing name, e.g. "sqs"
  std::string_view json;     // compact model document
};

extern const EmbeddedModel kEmbeddedModels[];
extern const std::size_t kEmbeddedModelCount;

}  // namespace wharf
