#include "fuzz_request.h"

#include <cctype>
#include <string>

namespace wharf::fuzz {
namespace {

// Takes the next line (without LF and a trailing CR); false at the end of `rest`.
bool NextLine(std::string_view& rest, std::string_view& line) {
  size_t lf = rest.find('\n');
  if (lf == std::string_view::npos) return false;
  line = rest.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  rest.remove_prefix(lf + 1);
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

HttpRequest RequestFromBytes(std::string_view bytes) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.remote_address = "127.0.0.1";
  std::string_view rest = bytes;
  std::string_view line;
  if (!NextLine(rest, line)) {
    request.body = std::string(bytes);
  } else {
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos) {
      request.method = std::string(line.substr(0, sp));
      request.target = std::string(line.substr(sp + 1));
    } else if (!line.empty()) {
      request.method = std::string(line);
    }
    while (NextLine(rest, line) && !line.empty()) {
      size_t colon = line.find(':');
      std::string_view name = line.substr(0, colon);
      std::string_view value;
      if (colon != std::string_view::npos) value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      request.headers.emplace_back(Lower(name), std::string(value));
    }
    request.body = std::string(rest);
  }
  size_t q = request.target.find('?');
  request.path = request.target.substr(0, q);
  if (q != std::string::npos) request.query = request.target.substr(q + 1);
  return request;
}

}  // namespace wharf::fuzz
