// options.cc: getopt-backed configuration.
#include "sasl/options.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "sasl/errors.h"

namespace e2esasl::sasl {

std::optional<std::string> Options::Get(const char* key) const {
  if (utils_ == nullptr || utils_->getopt == nullptr) {
    return std::nullopt;
  }
  const char* value = nullptr;
  unsigned len = 0;
  if (utils_->getopt(utils_->getopt_context, plugin_name_.c_str(), key, &value, &len) != SASL_OK ||
      value == nullptr) {
    return std::nullopt;
  }
  // Cyrus's config reader reports len 0 for NUL-terminated values.
  return len != 0 ? std::string(value, len) : std::string(value);
}

uint64_t Options::GetUint(const char* key, uint64_t fallback, uint64_t min, uint64_t max) const {
  const std::optional<std::string> text = Get(key);
  if (!text) {
    return fallback;
  }
  uint64_t value = 0;
  const char* first = text->data();
  const char* last = first + text->size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || text->empty()) {
    Warn(key, "not a decimal number; using the default");
    return fallback;
  }
  if (value < min || value > max) {
    Warn(key, "out of range; using the default");
    return fallback;
  }
  return value;
}

bool Options::GetBool(const char* key, bool fallback) const {
  std::optional<std::string> text = Get(key);
  if (!text) {
    return fallback;
  }
  std::transform(text->begin(), text->end(), text->begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (*text == "1" || *text == "yes" || *text == "on" || *text == "true") {
    return true;
  }
  if (*text == "0" || *text == "no" || *text == "off" || *text == "false") {
    return false;
  }
  Warn(key, "not a boolean; using the default");
  return fallback;
}

void Options::Warn(const char* key, std::string_view why) const {
  Log(utils_, SASL_LOG_WARN, plugin_name_, std::string("option ") + key + ": " + std::string(why));
}

void Options::Error(const char* key, std::string_view why) const {
  Log(utils_, SASL_LOG_ERR, plugin_name_, std::string("option ") + key + ": " + std::string(why));
}

}  // namespace e2esasl::sasl
