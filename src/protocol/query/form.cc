#include "protocol/query/form.h"

#include "wharf/core/encoding.h"

namespace wharf::query {

void ParseForm(std::string_view form, FormParams& params) {
  for (auto& [name, value] : ParseFormPairs(form)) {
    if (!name.empty()) params.insert_or_assign(std::move(name), std::move(value));
  }
}

}  // namespace wharf::query
