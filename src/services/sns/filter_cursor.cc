// TokenCursor: Jackson-compatible locations over compact JSON (see filter_json.h).
#include <cstdlib>

#include "services/sns/filter_json.h"

namespace wharf::sns::filter {
namespace {

std::size_t Utf16Prefix(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;
  }
  return n;
}

bool IsContainerStart(Tok t) { return t == Tok::kStartObject || t == Tok::kStartArray; }

}  // namespace

Tok TokenCursor::Scan(std::size_t& start, std::size_t& end) {
  while (scan_ < text_.size() && (text_[scan_] == ',' || text_[scan_] == ':')) ++scan_;
  start = end = scan_;
  if (scan_ >= text_.size()) return Tok::kEof;
  char c = text_[scan_];
  Tok tok = Tok::kEof;
  switch (c) {
    case '{':
      tok = Tok::kStartObject;
      end = start + 1;
      break;
    case '}':
      tok = Tok::kEndObject;
      end = start + 1;
      break;
    case '[':
      tok = Tok::kStartArray;
      end = start + 1;
      break;
    case ']':
      tok = Tok::kEndArray;
      end = start + 1;
      break;
    case '"': {
      std::size_t i = start + 1;
      while (i < text_.size() && text_[i] != '"') i += text_[i] == '\\' ? 2 : 1;
      tok = Tok::kString;
      end = i + 1;
      break;
    }
    case 't':
      tok = Tok::kTrue;
      end = start + 4;
      break;
    case 'f':
      tok = Tok::kFalse;
      end = start + 5;
      break;
    case 'n':
      tok = Tok::kNull;
      end = start + 4;
      break;
    default: {
      std::size_t i = start;
      bool is_float = false;
      while (i < text_.size() &&
             std::string_view("+-0123456789.eE").find(text_[i]) != std::string_view::npos) {
        if (text_[i] == '.' || text_[i] == 'e' || text_[i] == 'E') is_float = true;
        ++i;
      }
      // Anything else is not JSON: end the stream, so that every loop over tokens stops (a
      // token that consumed nothing would be returned forever).
      tok = i == start ? Tok::kEof : is_float ? Tok::kFloat : Tok::kInt;
      end = i;
    }
  }
  scan_ = end;
  return tok;
}

void TokenCursor::SetValue(Tok tok, std::size_t start, std::size_t end) {
  if (tok == Tok::kString) {
    text_value_ = DecodeJsonString(text_.substr(start, end - start));
  } else {
    text_value_ = std::string(text_.substr(start, end - start));
    if (tok == Tok::kInt || tok == Tok::kFloat) number_ = std::strtod(text_value_.c_str(), nullptr);
  }
}

Tok TokenCursor::Next() {
  Tok tok;
  if (has_pending_) {
    has_pending_ = false;
    tok = pending_;
    text_value_ = pending_text_;
    number_ = pending_number_;
  } else {
    std::size_t start = 0, end = 0;
    tok = Scan(start, end);
    bool is_name = tok == Tok::kString && expect_name_ && !stack_.empty() && stack_.back() == 'o';
    SetValue(tok, start, end);
    if (is_name) {
      // Jackson reads the field name, the colon and the start of the value in one step.
      std::size_t vstart = 0, vend = 0;
      Tok value = Scan(vstart, vend);
      std::string name = std::move(text_value_);
      SetValue(value, vstart, vend);
      pending_ = value;
      pending_text_ = std::move(text_value_);
      pending_number_ = number_;
      has_pending_ = true;
      location_ = value == Tok::kString ? vstart + 1 : vend;
      string_end_ = vend;
      text_value_ = std::move(name);
      expect_name_ = false;
      current_ = Tok::kFieldName;
      return current_;
    }
    if (tok == Tok::kString) {
      location_ = start + 1;  // a string value is read lazily
      string_end_ = end;
    } else {
      location_ = end;
    }
  }
  if (IsContainerStart(tok)) {
    stack_.push_back(tok == Tok::kStartObject ? 'o' : 'a');
    expect_name_ = tok == Tok::kStartObject;
  } else {
    if ((tok == Tok::kEndObject || tok == Tok::kEndArray) && !stack_.empty()) stack_.pop_back();
    expect_name_ = !stack_.empty() && stack_.back() == 'o';
  }
  current_ = tok;
  return tok;
}

const std::string& TokenCursor::Text() {
  if (current_ == Tok::kString && location_ < string_end_) location_ = string_end_;
  return text_value_;
}

std::size_t TokenCursor::Column() const { return Utf16Prefix(text_.substr(0, location_)) + 1; }

}  // namespace wharf::sns::filter
