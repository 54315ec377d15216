#include "protocol/timestamp.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace wharf {
namespace {

constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, millis;
  int64_t days;
};

Civil ToCivil(double epoch_seconds) {
  int64_t total_ms = static_cast<int64_t>(std::llround(epoch_seconds * 1000.0));
  int64_t secs = total_ms >= 0 ? total_ms / 1000 : (total_ms - 999) / 1000;
  unsigned ms = static_cast<unsigned>(total_ms - secs * 1000);
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  unsigned sod = static_cast<unsigned>(secs - days * 86400);
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  return Civil{y, m, d, sod / 3600, sod / 60 % 60, sod % 60, ms, days};
}

bool ReadInt(std::string_view& s, std::size_t digits, int& out) {
  if (s.size() < digits) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + digits, out);
  if (ec != std::errc() || p != s.data() + digits) return false;
  s.remove_prefix(digits);
  return true;
}

bool Expect(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

std::optional<double> ParseIso(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!ReadInt(s, 4, y) || !Expect(s, '-') || !ReadInt(s, 2, mo) || !Expect(s, '-') ||
      !ReadInt(s, 2, d)) {
    return std::nullopt;
  }
  if (s.empty() || (s.front() != 'T' && s.front() != 't' && s.front() != ' ')) return std::nullopt;
  s.remove_prefix(1);
  if (!ReadInt(s, 2, h) || !Expect(s, ':') || !ReadInt(s, 2, mi) || !Expect(s, ':') ||
      !ReadInt(s, 2, se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  double frac = 0;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    double scale = 0.1;
    std::size_t n = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      frac += (s.front() - '0') * scale;
      scale /= 10;
      s.remove_prefix(1);
      ++n;
    }
    if (n == 0) return std::nullopt;
  }
  int offset = 0;
  if (!s.empty() && (s.front() == 'Z' || s.front() == 'z')) {
    s.remove_prefix(1);
  } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    int sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh, om;
    if (!ReadInt(s, 2, oh)) return std::nullopt;
    if (!s.empty() && s.front() == ':') s.remove_prefix(1);
    if (!ReadInt(s, 2, om)) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (!s.empty()) return std::nullopt;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return static_cast<double>(days * 86400 + h * 3600 + mi * 60 + se - offset) + frac;
}

std::optional<double> ParseHttpDate(std::string_view s) {
  // "Sat, 28 Nov 2026 05:54:06 GMT"
  auto comma = s.find(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  s.remove_prefix(comma + 2);
  int d, y, h, mi, se;
  if (!ReadInt(s, 2, d) || !Expect(s, ' ') || s.size() < 4) return std::nullopt;
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(0, 3) == kMonths[i]) month = i + 1;
  }
  if (month < 0) return std::nullopt;
  s.remove_prefix(3);
  if (!Expect(s, ' ') || !ReadInt(s, 4, y) || !Expect(s, ' ') || !ReadInt(s, 2, h) ||
      !Expect(s, ':') || !ReadInt(s, 2, mi) || !Expect(s, ':') || !ReadInt(s, 2, se)) {
    return std::nullopt;
  }
  if (s != " GMT" && s != " UTC" && s != " +0000") return std::nullopt;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(month), static_cast<unsigned>(d));
  return static_cast<double>(days * 86400 + h * 3600 + mi * 60 + se);
}

}  // namespace

std::string FormatIso8601(double epoch_seconds, bool millis) {
  Civil c = ToCivil(epoch_seconds);
  char buf[40];
  if (millis) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                  static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second,
                  c.millis);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
                  static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second);
  }
  return buf;
}

std::string FormatHttpDate(double epoch_seconds) {
  Civil c = ToCivil(epoch_seconds);
  int64_t wd = c.days % 7;
  if (wd < 0) wd += 7;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", kWeekdays[wd], c.day,
                kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute, c.second);
  return buf;
}

std::string FormatEpochSeconds(double epoch_seconds) {
  int64_t ms = static_cast<int64_t>(std::llround(epoch_seconds * 1000.0));
  char buf[40];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(ms / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms) / 1000.0);
    // Trim trailing zeros of the fraction ("1.500" -> "1.5").
    std::size_t n = std::strlen(buf);
    while (n > 0 && buf[n - 1] == '0') buf[--n] = '\0';
  }
  return buf;
}

std::optional<double> ParseTimestamp(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.size() >= 10 && text[4] == '-') return ParseIso(text);
  if (text.find(',') != std::string_view::npos) return ParseHttpDate(text);
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace wharf
