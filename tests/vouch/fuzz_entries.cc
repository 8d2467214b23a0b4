// fuzz_entries.cc: the VOUCH-ES256-PLUS fuzz entry functions (see fuzz_entries.h).
#include "vouch/fuzz_entries.h"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_check.h"
#include "fuzz/transcript_fuzz.h"
#include "fuzz/vouch_fuzz_keys.h"
#include "vouch/client.h"
#include "vouch/messages.h"
#include "vouch/server.h"

namespace e2esasl::fuzz {
namespace {

using vouch::ClientFinal;
using vouch::ClientFirst;
using vouch::ServerFirst;

// Test device keys (made with e2esasl-vouch device-keygen for these targets only).
constexpr std::string_view kAliceKey =
    R"({"kty":"EC","crv":"P-256","x":"Wl95B0VF5B2l23E-lwGDFOzpruE_1NE8VO1nmcSKWbk",)"
    R"("y":"JDz2-HcUMeV0xmuI_7lG1fQ5oYRukPCIECZJg_nCSWg",)"
    R"("d":"dkBokKeOxc_ZBOBj8p6KFOZsnlWFrhUnSMTgffUnOgw"})";
constexpr std::string_view kBobKey =
    R"({"kty":"EC","crv":"P-256","x":"YHG_8L8-gJrnb0i3Z86gF-O4NHPgqp6un9v37rZmsac",)"
    R"("y":"NZYqeTRZBMFOeyglEF22T-9NZssnx0SQq0Ipq28ub6U",)"
    R"("d":"JP2qT5vfNC6-i8kLUt21G0SuylZW1pRC8L6Yc2r_tco"})";
// Their statements, issued by biloxi.net (RFC 7515 A.3's key) with `e2esasl-vouch issue ...
// --now 1767225600` (fixed, so recorded seeds keep verifying: the transcript covers them).
constexpr std::string_view kAliceStatement =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6Im9LSXl3dkdVcFRWVHl4TVEzYndJSWVRVXVkZnJfQ2tMTWpDRTE5RUNELVUiLC"
    "J0eXAiOiJ2b3VjaCtqd3QifQ.eyJjbmYiOnsiandrIjp7ImNydiI6IlAtMjU2Iiwia3R5IjoiRUMiLCJ4IjoiV2w5N"
    "UIwVkY1QjJsMjNFLWx3R0RGT3pwcnVFXzFORThWTzFubWNTS1diayIsInkiOiJKRHoyLUhjVU1lVjB4bXVJXzdsRzF"
    "mUTVvWVJ1a1BDSUVDWkpnX25DU1dnIn19LCJkZXZpY2VfaWQiOiJkZXZpY2UtMSIsImV4cCI6MTc2NzIyOTIwMCwia"
    "WF0IjoxNzY3MjI1NjAwLCJpc3MiOiJiaWxveGkubmV0Iiwic3ViIjoiYWxpY2VAYmlsb3hpLm5ldCJ9.cfnzy3Kp_-"
    "NH5jP_IpJNKmBaEpn3qxVI_5Q6aZv5f43wFDYfCCYa1kf0EHhDMgeOIEkVBdnpdT3ufNKxsmOnfg";
constexpr std::string_view kBobStatement =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6Im9LSXl3dkdVcFRWVHl4TVEzYndJSWVRVXVkZnJfQ2tMTWpDRTE5RUNELVUiLC"
    "J0eXAiOiJ2b3VjaCtqd3QifQ.eyJjbmYiOnsiandrIjp7ImNydiI6IlAtMjU2Iiwia3R5IjoiRUMiLCJ4IjoiWUhHX"
    "zhMOC1nSnJuYjBpM1o4NmdGLU80TkhQZ3FwNnVuOXYzN3JabXNhYyIsInkiOiJOWllxZVRSWkJNRk9leWdsRUYyMlQ"
    "tOU5ac3NueDBTUXEwSXBxMjh1YjZVIn19LCJkZXZpY2VfaWQiOiJkZXZpY2UtMSIsImV4cCI6MTc2NzIyOTIwMCwia"
    "WF0IjoxNzY3MjI1NjAwLCJpc3MiOiJiaWxveGkubmV0Iiwic3ViIjoiYm9iQGJpbG94aS5uZXQifQ.TxVXrhTcQslO"
    "otCDTTPEDNiWtrbTD8o0_oHsvxWgYYVCQn10mQHNAFLLQyGjWlLCPxrTFof8ZR6t2sFjPu2EuA";
constexpr const char* kAlice = "alice@biloxi.net";
constexpr const char* kBob = "bob@biloxi.net";
constexpr uint32_t kClientSeed = 2;
constexpr uint32_t kServerSeed = 1;

std::shared_ptr<const vouch::PrivateKey> Key(std::string_view jwk) {
  Failure failure;
  std::optional<vouch::PrivateKey> key = vouch::PrivateKey::FromJson(jwk, &failure);
  FUZZ_CHECK(key.has_value());
  return std::make_shared<const vouch::PrivateKey>(std::move(*key));
}

// World: the fixed keys, trust store and statements, made once per process.
struct World {
  std::shared_ptr<vouch::TrustStore> trust = std::make_shared<vouch::TrustStore>();
  std::shared_ptr<const vouch::PrivateKey> alice = Key(kAliceKey);
  std::shared_ptr<const vouch::PrivateKey> bob = Key(kBobKey);
  Bytes cb = Bytes(32, 0x3c);

  World() {
    Failure failure;
    FUZZ_CHECK(trust->AddJwks("biloxi.net", vouch::fuzz::kIssuerJwks, &failure));
  }

  vouch::VouchConfig Config(const std::shared_ptr<const vouch::PrivateKey>& key,
                            std::string_view statement) const {
    vouch::VouchConfig config;
    config.statement = std::string(statement);
    config.device_key = key;
    config.trust = trust;
    config.now = vouch::fuzz::kSeedNow;
    return config;
  }

  vouch::ClientConfig Client() const {
    vouch::ClientConfig config;
    config.authcid = kAlice;
    config.gs2.flag = gs2::CbFlag::kUsed;
    config.gs2.cb_name = "tls-exporter";
    config.cb_data = cb;
    config.vouch = client_vouch;
    config.peer = kBob;
    return config;
  }

  vouch::ServerConfig Server(bool critical) const {
    vouch::ServerConfig config;
    config.binding = cb::OwnedBinding{"tls-exporter", cb, critical};
    config.plus_advertised = true;
    config.vouch = server_vouch;
    return config;
  }

  vouch::VouchConfig client_vouch = Config(alice, kAliceStatement);
  vouch::VouchConfig server_vouch = Config(bob, kBobStatement);
};

const World& TheWorld() {
  static const World world;
  return world;
}

std::vector<ByteView> SplitAll(const uint8_t* data, size_t size) {
  std::vector<ByteView> parts;
  const ByteView all(data, size);
  size_t start = 0;
  for (size_t i = 0; i <= all.size(); ++i) {
    if (i == all.size() || all[i] == 0) {
      parts.push_back(all.subspan(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

template <typename T>
void RoundTrip(ByteView in) {
  Failure failure;
  const std::optional<T> parsed = T::Parse(in, &failure);
  if (!parsed) {
    FUZZ_CHECK(failure.status == Status::kMalformed && !failure.detail.empty());
    return;
  }
  const Bytes out = vouch::Serialized(*parsed);
  FUZZ_CHECK(out == Bytes(in.begin(), in.end()));
  FUZZ_CHECK(T::Parse(out) == parsed);
}

// Feed runs session over the messages: documented statuses only, failures final, and a Step
// after completion fails with kInternal "the exchange is already complete" (SessionBase) and is
// final too. Returns the status of the last Step.
template <typename Session>
Status Feed(Session& session, const std::vector<ByteView>& messages) {
  bool failed = false;
  Status last = Status::kContinue;
  for (ByteView message : messages) {
    Bytes out;
    Failure failure;
    const bool completed = last == Status::kOk;
    const Status s = session.Step(message, &out, &failure);
    if (failed) {
      FUZZ_CHECK(s == last);
      FUZZ_CHECK(out.empty());
      continue;
    }
    if (completed) {
      FUZZ_CHECK(s == Status::kInternal);
      FUZZ_CHECK(failure.detail == kCompleteDetail);
      FUZZ_CHECK(out.empty());
      FUZZ_CHECK(!session.IsComplete());
      failed = true;
      last = s;
      continue;
    }
    FUZZ_CHECK(Documented(s));
    if (s != Status::kOk && s != Status::kContinue) {
      FUZZ_CHECK(!failure.detail.empty());
      failed = true;
    }
    last = s;
    if (s == Status::kOk) {
      FUZZ_CHECK(session.IsComplete());
    }
  }
  return last;
}

}  // namespace

int FuzzVouchMessages(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const ByteView in(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      RoundTrip<ClientFirst>(in);
      break;
    case 1:
      RoundTrip<ServerFirst>(in);
      break;
    default:
      RoundTrip<ClientFinal>(in);
      break;
  }
  return 0;
}

int FuzzVouchServerSession(const uint8_t* data, size_t size) {
  SeededRng rng(kServerSeed);
  vouch::ServerSession server(rng, TheWorld().Server(false));
  if (Feed(server, SplitAll(data, size)) == Status::kOk) {
    FUZZ_CHECK(server.Identity() == kAlice);
  }
  return 0;
}

int FuzzVouchClientSession(const uint8_t* data, size_t size) {
  SeededRng rng(kClientSeed);
  vouch::ClientSession client(rng, TheWorld().Client());
  Bytes out;
  Failure failure;
  FUZZ_CHECK(client.Step({}, &out, &failure) == Status::kContinue);
  (void)Feed(client, SplitAll(data, size));
  return 0;
}

int FuzzVouchTranscript(const uint8_t* data, size_t size) {
  const ByteView in = Input(data, size);
  if (in.empty()) {
    return 0;
  }
  SeededRng client_rng(kClientSeed);
  SeededRng server_rng(kServerSeed);
  vouch::ClientSession client(client_rng, TheWorld().Client());
  vouch::ServerSession server(server_rng, TheWorld().Server(in[0] % 2 == 1));
  const ExchangeResult result = RunEditedExchange(client, server, in.subspan(1));
  if (result.server == Status::kOk) {
    FUZZ_CHECK(server.Identity() == kAlice);
  }
  return 0;
}

std::vector<Bytes> GenuineExchange() {
  SeededRng client_rng(kClientSeed);
  SeededRng server_rng(kServerSeed);
  vouch::ClientSession client(client_rng, TheWorld().Client());
  vouch::ServerSession server(server_rng, TheWorld().Server(false));
  Bytes c1, s1, c2, s2;
  Failure failure;
  if (client.Step({}, &c1, &failure) != Status::kContinue ||
      server.Step(c1, &s1, &failure) != Status::kContinue ||
      client.Step(s1, &c2, &failure) != Status::kContinue ||
      server.Step(c2, &s2, &failure) != Status::kOk) {
    throw std::runtime_error("GenuineExchange: " + failure.detail);
  }
  return {c1, s1, c2};
}

}  // namespace e2esasl::fuzz
