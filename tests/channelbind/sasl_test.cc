// sasl_test.cc: SaslChannelBinding: standard and OpenLDAP forms, the critical flag, and a
// sasl_channel_binding_t that stays valid when its owner moves.
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <optional>
#include <vector>

#include "probe.h"

namespace e2esasl::channelbind_test {
namespace {

// CheckConsistent: get() describes exactly this object's name and data, in this object's memory.
void CheckConsistent(const cb::SaslChannelBinding& binding, std::string_view name,
                     const cb::Bytes& data, bool critical) {
  const sasl_channel_binding_t* raw = binding.get();
  CPPUNIT_ASSERT(raw != nullptr && raw->name != nullptr);
  CPPUNIT_ASSERT_EQUAL(std::string(name), std::string(raw->name));
  CPPUNIT_ASSERT_EQUAL(std::string(name), std::string(binding.name()));
  CPPUNIT_ASSERT(raw->name == binding.name().data());
  CPPUNIT_ASSERT_EQUAL(data.size(), static_cast<size_t>(raw->len));
  CPPUNIT_ASSERT(raw->data == binding.data().data());
  CPPUNIT_ASSERT_EQUAL(Hex(data), Hex({raw->data, raw->len}));
  CPPUNIT_ASSERT_EQUAL(critical ? 1 : 0, raw->critical);
  CPPUNIT_ASSERT_EQUAL(critical, binding.critical());
}

cb::Bytes Concat(std::string_view prefix, const cb::Bytes& data) {
  cb::Bytes out(prefix.begin(), prefix.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

}  // namespace
}  // namespace e2esasl::channelbind_test

using namespace e2esasl::channelbind_test;  // NOLINT(google-build-using-namespace)

// CppUnit names suites by their type: the fixture lives at global scope so the suite is
// "ChannelBindSaslTest".
class ChannelBindSaslTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ChannelBindSaslTest);
  CPPUNIT_TEST(testStandardNames);
  CPPUNIT_TEST(testOpenLdapForm);
  CPPUNIT_TEST(testPointersSurviveMoves);
  CPPUNIT_TEST(testFromLiveConnection);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testStandardNames() {
    const cb::Bytes data = {0x00, 0x01, 0x02, 0xfe, 0xff};
    for (cb::Type type : kTypes) {
      for (bool critical : {false, true}) {
        auto binding = cb::SaslChannelBinding::Standard(type, data, critical);
        CPPUNIT_ASSERT(binding.ok());
        CheckConsistent(binding.value(), cb::TypeName(type), data, critical);
        auto empty = cb::SaslChannelBinding::Standard(type, {}, critical);
        CPPUNIT_ASSERT(!empty.ok());
        CPPUNIT_ASSERT(empty.error().code == cb::ErrorCode::kInvalidArgument);
      }
    }
  }

  void testOpenLdapForm() {
    const cb::Bytes data = {0x10, 0x00, 0x20};
    for (bool critical : {false, true}) {
      auto unique = cb::SaslChannelBinding::OpenLdap(cb::Type::kTlsUnique, data, critical);
      CPPUNIT_ASSERT(unique.ok());
      CheckConsistent(unique.value(), "ldap", Concat("tls-unique:", data), critical);
      auto end_point =
          cb::SaslChannelBinding::OpenLdap(cb::Type::kTlsServerEndPoint, data, critical);
      CPPUNIT_ASSERT(end_point.ok());
      CheckConsistent(end_point.value(), "ldap", Concat("tls-server-end-point:", data), critical);
      auto exporter = cb::SaslChannelBinding::OpenLdap(cb::Type::kTlsExporter, data, critical);
      CPPUNIT_ASSERT(!exporter.ok());
      CPPUNIT_ASSERT(exporter.error().code == cb::ErrorCode::kInvalidArgument);
      // "tls-unique:" alone would be non-empty, but binds nothing.
      auto empty = cb::SaslChannelBinding::OpenLdap(cb::Type::kTlsUnique, {}, critical);
      CPPUNIT_ASSERT(!empty.ok());
      CPPUNIT_ASSERT(empty.error().code == cb::ErrorCode::kInvalidArgument);
    }
  }

  void testPointersSurviveMoves() {
    const cb::Bytes data(32, 0x5a);
    // Move construction, then the source dies: "ldap" is a short string (inline storage).
    std::optional<cb::SaslChannelBinding> moved;
    {
      auto source = cb::SaslChannelBinding::OpenLdap(cb::Type::kTlsUnique, data, true);
      CPPUNIT_ASSERT(source.ok());
      moved.emplace(std::move(source).value());
    }
    CheckConsistent(*moved, "ldap", Concat("tls-unique:", data), true);

    // Move assignment over an existing binding.
    auto target = cb::SaslChannelBinding::Standard(cb::Type::kTlsUnique, {0x01}, false).value();
    {
      auto source = cb::SaslChannelBinding::Standard(cb::Type::kTlsExporter, data, true).value();
      target = std::move(source);
    }
    CheckConsistent(target, "tls-exporter", data, true);

    // Many moves as a vector grows.
    std::vector<cb::SaslChannelBinding> many;
    for (uint8_t i = 0; i < 40; ++i) {
      many.push_back(
          cb::SaslChannelBinding::Standard(kTypes[i % 3], cb::Bytes(i + 1u, i), i % 2).value());
    }
    for (uint8_t i = 0; i < 40; ++i) {
      CheckConsistent(many[i], cb::TypeName(kTypes[i % 3]), cb::Bytes(i + 1u, i), i % 2);
    }
  }

  // The binding of a real connection, wrapped for SASL at both ends, gives the same structure.
  void testFromLiveConnection() {
    std::optional<cb::SaslChannelBinding> client, server;
    auto wrap = [](Endpoint& e, std::optional<cb::SaslChannelBinding>* out) {
      auto value = Bind(e, cb::Type::kTlsExporter);
      CPPUNIT_ASSERT(value.ok());
      out->emplace(
          cb::SaslChannelBinding::Standard(cb::Type::kTlsExporter, std::move(value).value(), true)
              .value());
    };
    auto r = testing::RunConnection(
        Spec({TlsLibrary::kGnutls, TlsLibrary::kOpenssl}, TlsVersion::kTls13, false),
        [&](Endpoint& e) { wrap(e, &client); }, [&](Endpoint& e) { wrap(e, &server); });
    r.ThrowIfFailed();
    CPPUNIT_ASSERT_EQUAL(std::string("tls-exporter"), std::string(client->get()->name));
    CPPUNIT_ASSERT_EQUAL(32ul, client->get()->len);
    CPPUNIT_ASSERT(std::memcmp(client->get()->data, server->get()->data, 32) == 0);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChannelBindSaslTest);
