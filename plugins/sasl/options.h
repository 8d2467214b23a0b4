// options.h: a mechanism family's configuration, read through Cyrus's getopt callback, so
// sasl.conf (e.g. /etc/sasl2/<app>.conf) or the application's SASL_CB_GETOPT configures it.
#ifndef E2ESASL_SASL_OPTIONS_H_
#define E2ESASL_SASL_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

namespace e2esasl::sasl {

// Options reads options for one plugin (Cyrus passes plugin_name to the getopt callback so an
// application can scope them). The utils pointer is borrowed and must outlive this object.
class Options {
 public:
  Options(const sasl_utils_t* utils, std::string plugin_name)
      : utils_(utils), plugin_name_(std::move(plugin_name)) {}

  // Get returns the option's value, or std::nullopt when it is not set.
  std::optional<std::string> Get(const char* key) const;
  // GetUint returns the option as a decimal integer in [min, max]; a missing option gives
  // fallback; a malformed or out-of-range one also gives fallback and logs a warning naming it.
  uint64_t GetUint(const char* key, uint64_t fallback, uint64_t min, uint64_t max) const;
  // GetBool accepts 1/yes/on/true and 0/no/off/false (any case); anything else gives fallback
  // and logs a warning.
  bool GetBool(const char* key, bool fallback) const;
  // Warn logs "option <key>: <why>" at SASL_LOG_WARN through the application's log callback.
  void Warn(const char* key, std::string_view why) const;
  // Error logs "option <key>: <why>" at SASL_LOG_ERR.
  void Error(const char* key, std::string_view why) const;
  // Cluster tells whether kClusterOption says this server is one of several sharing a
  // credential store (docs/stores.md): then a family never makes up a per-process secret (SCRAM's
  // fake-salt key) or creates one of its own (OPAQUE's key file); it refuses to serve instead.
  bool Cluster() const { return GetBool(kClusterOption, false); }

  static constexpr const char* kClusterOption = "e2esasl_cluster";

 private:
  const sasl_utils_t* utils_;
  std::string plugin_name_;
};

}  // namespace e2esasl::sasl

#endif  // E2ESASL_SASL_OPTIONS_H_
