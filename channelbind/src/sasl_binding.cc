// sasl_binding.cc: SaslChannelBinding, an owned sasl_channel_binding_t in the standard or the
// OpenLDAP form.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/crypto.h>
#include <sasl/sasl.h>

#include "e2esasl/channelbind.h"
#include "internal.h"

namespace e2esasl::channelbind {
namespace {

// Wipe zeroes bytes in place (channel bindings are not secret, but this library leaves nothing
// behind).
void Wipe(Bytes& bytes) {
  if (!bytes.empty()) {
    OPENSSL_cleanse(bytes.data(), bytes.size());
  }
}

}  // namespace

SaslChannelBinding::SaslChannelBinding(std::string name, Bytes data, bool critical)
    : name_(std::move(name)), data_(std::move(data)) {
  cb_.critical = critical ? 1 : 0;
  Point();
}

void SaslChannelBinding::Point() {
  cb_.name = name_.c_str();
  cb_.len = static_cast<unsigned long>(data_.size());
  cb_.data = data_.empty() ? nullptr : data_.data();
}

Result<SaslChannelBinding> SaslChannelBinding::Standard(Type type, Bytes data, bool critical) {
  if (data.empty()) {
    return internal::MakeError(ErrorCode::kInvalidArgument,
                               "empty channel-binding data (a binding of nothing binds nothing)");
  }
  return SaslChannelBinding(std::string(TypeName(type)), std::move(data), critical);
}

Result<SaslChannelBinding> SaslChannelBinding::OpenLdap(Type type, Bytes data, bool critical) {
  if (data.empty()) {
    return internal::MakeError(ErrorCode::kInvalidArgument,
                               "empty channel-binding data (a binding of nothing binds nothing)");
  }
  // OpenLDAP 2.5 (libraries/libldap/cyrus.c) passes name "ldap" and data "<cb-type>:" + value,
  // for tls-unique and tls-server-end-point only.
  std::string_view prefix;
  switch (type) {
    case Type::kTlsUnique:
      prefix = "tls-unique:";
      break;
    case Type::kTlsServerEndPoint:
      prefix = "tls-server-end-point:";
      break;
    default:
      Wipe(data);
      return internal::MakeError(ErrorCode::kInvalidArgument,
                                 "OpenLDAP's channel-binding form has no tls-exporter (only "
                                 "tls-unique and tls-server-end-point)");
  }
  Bytes tagged;
  tagged.reserve(prefix.size() + data.size());
  tagged.insert(tagged.end(), prefix.begin(), prefix.end());
  tagged.insert(tagged.end(), data.begin(), data.end());
  Wipe(data);
  return SaslChannelBinding("ldap", std::move(tagged), critical);
}

SaslChannelBinding::SaslChannelBinding(SaslChannelBinding&& other) noexcept
    : name_(std::move(other.name_)), data_(std::move(other.data_)) {
  cb_.critical = other.cb_.critical;
  Point();
  other.name_.clear();
  other.data_.clear();
  other.Point();
}

SaslChannelBinding& SaslChannelBinding::operator=(SaslChannelBinding&& other) noexcept {
  if (this != &other) {
    Wipe(data_);
    name_ = std::move(other.name_);
    data_ = std::move(other.data_);
    cb_.critical = other.cb_.critical;
    Point();
    other.name_.clear();
    other.data_.clear();
    other.Point();
  }
  return *this;
}

SaslChannelBinding::~SaslChannelBinding() {
  Wipe(data_);
}

}  // namespace e2esasl::channelbind
