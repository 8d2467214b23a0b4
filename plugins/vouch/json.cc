// json.cc: see json.h.
#include "vouch/json.h"

#include <cstdlib>
#include <cstring>

namespace e2esasl::vouch {
namespace {

void QuietJoseError(void*, const char*, int, uint64_t, const char*, va_list) {}

}  // namespace

JoseCfg NewJoseCfg() {
  JoseCfg cfg(jose_cfg());
  if (cfg) {
    jose_cfg_set_err_func(cfg.get(), QuietJoseError, nullptr);
  }
  return cfg;
}

JsonPtr ParseJsonObject(std::string_view text, std::string* why) {
  json_error_t error;
  JsonPtr json(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &error));
  if (!json) {
    if (why != nullptr) {
      *why = std::string(error.text) + " (column " + std::to_string(error.column) + ")";
    }
    return nullptr;
  }
  if (!json_is_object(json.get())) {
    if (why != nullptr) {
      *why = "not a JSON object";
    }
    return nullptr;
  }
  return json;
}

std::string DumpJson(const json_t* value) {
  std::unique_ptr<char, FreeWith<std::free>> text(json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS));
  return text ? std::string(text.get()) : std::string();
}

SecretString DumpSecretJson(const json_t* value) {
  SecretString out;
  std::unique_ptr<char, FreeWith<std::free>> text(json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS));
  if (text) {
    const size_t size = std::strlen(text.get());
    out.Append(std::string_view(text.get(), size));
    WipeMemory(text.get(), size);
  }
  return out;
}

std::optional<std::string_view> StringMember(const json_t* object, const char* key) {
  const json_t* value = json_object_get(object, key);
  if (!json_is_string(value)) {
    return std::nullopt;
  }
  return std::string_view(json_string_value(value), json_string_length(value));
}

void WipeStringMember(json_t* object, const char* key) {
  json_t* value = json_object_get(object, key);
  if (json_is_string(value)) {
    // jansson owns the buffer; overwriting it in place before the last json_decref is the only
    // way to wipe it (json_string_set would free the old buffer unwiped).
    WipeMemory(const_cast<char*>(json_string_value(value)), json_string_length(value));
  }
}

}  // namespace e2esasl::vouch
