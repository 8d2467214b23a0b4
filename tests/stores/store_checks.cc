// store_checks.cc: see store_checks.h.
#include "stores/store_checks.h"

#include <atomic>
#include <cstdio>
#include <thread>

#include <cppunit/TestAssert.h>

namespace e2esasl::stores {

using interop::ExchangeResult;

std::string ScramFromSalt(const std::string& server_first) {
  const size_t at = server_first.find(",s=");
  CPPUNIT_ASSERT_MESSAGE("no salt in: " + server_first, at != std::string::npos);
  return server_first.substr(at);
}

std::string OpaqueEvaluated(const std::string& server_first) {
  CPPUNIT_ASSERT_MESSAGE(server_first, server_first.rfind("k=", 0) == 0);
  const size_t comma = server_first.find(",f=");
  CPPUNIT_ASSERT(comma != std::string::npos);
  std::string ke2;
  CPPUNIT_ASSERT(interop::FromBase64(server_first.substr(2, comma - 2), &ke2));
  CPPUNIT_ASSERT_EQUAL(size_t{320}, ke2.size());
  return ke2.substr(0, 32) + server_first.substr(comma);
}

void CheckOpaqueSameOnBoth(const StoreSasl& a, const StoreSasl& b, const StoreSasl& other,
                           const std::string& user) {
  const ExchangeResult captured =
      Login(a.Server("OPAQUE-R255", std::nullopt), "OPAQUE-R255", user, "guess");
  CPPUNIT_ASSERT_MESSAGE(captured.Describe(), !captured.client.messages.empty());
  const std::string& ke1 = captured.client.messages.front();
  std::string out;
  const std::string first_a = a.ServerFirst("OPAQUE-R255", ke1, &out);
  CPPUNIT_ASSERT_MESSAGE(out, !first_a.empty());
  const std::string first_b = b.ServerFirst("OPAQUE-R255", ke1, &out);
  CPPUNIT_ASSERT_MESSAGE(out, !first_b.empty());
  CPPUNIT_ASSERT_MESSAGE(user, OpaqueEvaluated(first_a) == OpaqueEvaluated(first_b));
  const std::string first_other = other.ServerFirst("OPAQUE-R255", ke1, &out);
  CPPUNIT_ASSERT_MESSAGE(out, !first_other.empty());
  CPPUNIT_ASSERT_MESSAGE(user, OpaqueEvaluated(first_a) != OpaqueEvaluated(first_other));
  // The masked part is fresh every time, even from one server.
  CPPUNIT_ASSERT(first_a != first_b);
}

void CheckSetpassRacingLogins(const StoreSasl& sasl, const std::string& user) {
  sasl.ProvisionOrThrow(user, "old password");
  std::atomic<bool> done{false};
  std::string setpass_error;
  std::thread writer([&] {
    for (int i = 0; i < 4 && setpass_error.empty(); ++i) {
      std::string out;
      if (sasl.Provision(user, i % 2 == 0 ? "new password" : "old password", {}, &out) != 0) {
        setpass_error = out;
      }
    }
    done = true;
  });
  int logins = 0, accepted = 0;
  std::string bad;
  while (!done && logins < 40) {
    for (const std::string mech : {"SCRAM-SHA-256", "OPAQUE-R255"}) {
      const ExchangeResult r = Login(sasl.Server(mech, std::nullopt), mech, user, "old password");
      ++logins;
      if (r.ok()) {
        ++accepted;
        continue;
      }
      // Checked after the join (an assertion here would leave the writer thread running).
      const std::string code = r.server.order == 1 ? r.server.code_name : r.client.code_name;
      if (bad.empty() &&
          (code != "SASL_BADAUTH" || r.server.stderr_text.find("malformed") != std::string::npos)) {
        bad = r.Describe();
      }
    }
  }
  writer.join();
  CPPUNIT_ASSERT_MESSAGE(bad, bad.empty());
  std::printf("\nsetpass racing logins: %d logins, %d accepted", logins, accepted);
  CPPUNIT_ASSERT_MESSAGE(setpass_error, setpass_error.empty());
  CPPUNIT_ASSERT(logins > 0);
  // The last write was "old password".
  for (const std::string mech : {"SCRAM-SHA-256", "OPAQUE-R255"}) {
    const ExchangeResult r = Login(sasl.Server(mech, std::nullopt), mech, user, "old password");
    CPPUNIT_ASSERT_MESSAGE(user + " after the race, " + mech + ": " + r.Describe(), r.ok());
  }
}

}  // namespace e2esasl::stores
