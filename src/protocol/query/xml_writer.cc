#include "protocol/query/xml_writer.h"

namespace wharf::query {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool NeedsEscape(unsigned char c) {
  return c == '&' || c == '<' || c == '>' || c == '"' || (c < 0x20 && c != '\t' && c != '\n');
}

}  // namespace

void AppendXmlEscaped(std::string& out, std::string_view text) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!NeedsEscape(c)) continue;
    out.append(text.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      default:
        out.append("&#x");
        if (c >= 0x10) out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
        out.push_back(';');
    }
  }
  out.append(text.data() + start, text.size() - start);
}

XmlWriter::XmlWriter(bool declaration) {
  out_.reserve(512);
  if (declaration) out_.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
}

void XmlWriter::Open(std::string_view name, std::string_view xmlns) {
  out_.push_back('<');
  out_.append(name);
  if (!xmlns.empty()) {
    out_.append(" xmlns=\"");
    AppendXmlEscaped(out_, xmlns);
    out_.push_back('"');
  }
  out_.push_back('>');
}

void XmlWriter::Close(std::string_view name) {
  out_.append("</");
  out_.append(name);
  out_.push_back('>');
}

void XmlWriter::Text(std::string_view text) { AppendXmlEscaped(out_, text); }

void XmlWriter::Element(std::string_view name, std::string_view text) {
  if (text.empty()) {
    out_.push_back('<');
    out_.append(name);
    out_.append("/>");
    return;
  }
  Open(name);
  Text(text);
  Close(name);
}

}  // namespace wharf::query
