// A minimal, fast XML writer that appends to a string. Not thread-safe (one per response).
#pragma once

#include <string>
#include <string_view>

namespace wharf::query {

// Appends `text` to `out` escaped for XML content or attribute values: & < > " become
// entities, CR becomes &#xD; (so parsers do not fold it into LF) and every other control
// character except TAB and LF becomes a numeric reference.
void AppendXmlEscaped(std::string& out, std::string_view text);

class XmlWriter {
 public:
  // Starts the document with `<?xml version="1.0" encoding="UTF-8"?>` when `declaration`.
  explicit XmlWriter(bool declaration = false);

  // <name> or <name xmlns="ns">.
  void Open(std::string_view name, std::string_view xmlns = {});
  // </name>. REQUIRES: matches the innermost Open.
  void Close(std::string_view name);
  // Escaped character data.
  void Text(std::string_view text);
  // <name>text</name>, or <name/> when text is empty.
  void Element(std::string_view name, std::string_view text);
  // Appends already-serialised XML verbatim.
  void Raw(std::string_view xml) { out_.append(xml); }

  std::string& buffer() { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace wharf::query
