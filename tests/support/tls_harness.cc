// tls_harness.cc: runs the two ends of a connection in their own threads with a deadline.
#include "support/tls_harness.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "e2esasl/handles.h"
#include "support/tls_ends.h"

namespace e2esasl::testing {
namespace {

// EndReport is what one end's thread hands back.
struct EndReport {
  bool ok = false;
  bool handshake_ok = false;
  bool resumed = false;
  std::string error;
  Bytes peer_cert_der;
  std::exception_ptr callback_exception;
};

// SocketPair is one connection's transport: fds[0] the client's, fds[1] the server's.
struct SocketPair {
  std::array<UniqueFd, 2> fds;
};

bool MakeSocketPair(std::chrono::milliseconds timeout, SocketPair* out) {
  int raw[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, raw) != 0) {
    return false;
  }
  out->fds[0] = UniqueFd(raw[0]);
  out->fds[1] = UniqueFd(raw[1]);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  for (const UniqueFd& fd : out->fds) {
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
        ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
      return false;
    }
  }
  return true;
}

// BlockSigpipe makes a write to a closed socket fail with EPIPE in this thread instead of
// killing the process (OpenSSL writes with write(2)).
void BlockSigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool Exchange(Endpoint& e, std::string* error) {
  static constexpr std::string_view kPing = "ping";
  static constexpr std::string_view kPong = "pong";
  auto expect = [&](std::string_view want) {
    auto got = e.Receive(want.size());
    return got && std::string_view(reinterpret_cast<const char*>(got->data()), got->size()) == want;
  };
  bool ok = e.role == TlsRole::kClient ? (e.Send(kPing) && expect(kPong))
                                       : (expect(kPing) && e.Send(kPong));
  if (!ok) {
    *error = "application data exchange on the first connection failed: " + e.last_error;
  }
  return ok;
}

void RunEnd(const ConnectionSpec& spec, const EndpointConfig& config, TlsRole role,
            const ServerCredentials& credentials, const std::vector<int>& fds,
            const EndpointCallback& callback, EndReport* report) {
  BlockSigpipe();
  std::string prefix =
      std::string(TlsRoleName(role)) + " (" + std::string(TlsLibraryName(config.library)) + ")";
  auto fail = [&](std::string what) { report->error = prefix + ": " + std::move(what); };
  std::string error;
  auto side = internal::MakeSide(config, role, spec.version, credentials, spec.timeout, &error);
  if (!side) {
    fail("setup: " + error);
    return;
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    const bool last = i + 1 == fds.size();
    const std::string which =
        "connection " + std::to_string(i + 1) + " of " + std::to_string(fds.size());
    auto conn = side->Open(fds[i], &error);
    if (!conn) {
      fail(which + ": " + error);
      return;
    }
    if (!conn->Handshake(&error)) {
      fail(which + ": " + error);
      return;
    }
    const bool resumed = conn->IsResumed();
    Endpoint endpoint = conn->MakeEndpoint();
    endpoint.resumed = resumed;
    if (!last) {
      if (resumed) {
        fail(which + ": the first connection was resumed");
        return;
      }
      if (!Exchange(endpoint, &error)) {
        fail(which + ": " + error);
        return;
      }
      if (role == TlsRole::kClient) {
        conn->SaveSession();
      }
      conn->Close();
      continue;
    }
    if (spec.resume && !resumed) {
      fail(which + ": not resumed");
      return;
    }
    report->handshake_ok = true;
    report->resumed = resumed;
    if (role == TlsRole::kClient) {
      report->peer_cert_der = conn->PeerCertificateDer();
    }
    if (callback) {
      try {
        callback(endpoint);
      } catch (...) {
        report->callback_exception = std::current_exception();
        fail("callback threw");
        conn->Close();
        return;
      }
    }
    conn->Close();
  }
  report->ok = true;
}

}  // namespace

std::string_view TlsLibraryName(TlsLibrary library) {
  return library == TlsLibrary::kOpenssl ? "openssl" : "gnutls";
}
std::string_view TlsVersionName(TlsVersion version) {
  return version == TlsVersion::kTls12 ? "TLS1.2" : "TLS1.3";
}
std::string_view TlsRoleName(TlsRole role) {
  return role == TlsRole::kClient ? "client" : "server";
}

std::string Describe(const ConnectionSpec& spec) {
  const ServerCredentials& creds = spec.credentials != nullptr
                                       ? *spec.credentials
                                       : DefaultServerCredentials(CertKind::kRsaSha256);
  std::string out = std::string(TlsLibraryName(spec.client.library)) + "->" +
                    std::string(TlsLibraryName(spec.server.library)) + " " +
                    std::string(TlsVersionName(spec.version)) +
                    (spec.resume ? " resumed " : " full ") + std::string(CertKindName(creds.kind));
  auto flags = [&](const EndpointConfig& c, std::string_view role) {
    if (c.disable_ems) {
      out += " no-ems(" + std::string(role) + ")";
    } else if (!c.use_library_configure) {
      out += " unconfigured(" + std::string(role) + ")";
    }
    if (c.allow_renegotiation) {
      out += " renegotiation(" + std::string(role) + ")";
    }
  };
  flags(spec.client, "client");
  flags(spec.server, "server");
  return out;
}

void ConnectionResult::ThrowIfFailed() const {
  if (client_exception) {
    std::rethrow_exception(client_exception);
  }
  if (server_exception) {
    std::rethrow_exception(server_exception);
  }
  if (!ok) {
    throw std::runtime_error(description + ": " + error);
  }
}

ConnectionResult RunConnection(const ConnectionSpec& spec, const EndpointCallback& on_client,
                               const EndpointCallback& on_server) {
  const ServerCredentials& creds = spec.credentials != nullptr
                                       ? *spec.credentials
                                       : DefaultServerCredentials(CertKind::kRsaSha256);
  ConnectionResult result;
  result.description = Describe(spec);
  result.server_cert_der = creds.cert_der;

  std::vector<SocketPair> pairs(spec.resume ? 2 : 1);
  std::vector<int> client_fds, server_fds;
  for (SocketPair& pair : pairs) {
    if (!MakeSocketPair(spec.timeout, &pair)) {
      result.error = "socketpair/setsockopt failed";
      return result;
    }
    client_fds.push_back(pair.fds[0].get());
    server_fds.push_back(pair.fds[1].get());
  }

  EndReport client, server;
  auto run = [&](const EndpointConfig& config, TlsRole role, const std::vector<int>& fds,
                 const EndpointCallback& callback, EndReport* report) {
    RunEnd(spec, config, role, creds, fds, callback, report);
    // Let the peer see EOF at once (a failed end must not leave its peer waiting).
    for (int fd : fds) {
      ::shutdown(fd, report->ok ? SHUT_WR : SHUT_RDWR);
    }
  };
  std::packaged_task<void()> client_task(
      [&] { run(spec.client, TlsRole::kClient, client_fds, on_client, &client); });
  std::packaged_task<void()> server_task(
      [&] { run(spec.server, TlsRole::kServer, server_fds, on_server, &server); });
  std::future<void> client_done = client_task.get_future();
  std::future<void> server_done = server_task.get_future();
  std::thread client_thread(std::move(client_task));
  std::thread server_thread(std::move(server_task));

  const auto deadline = std::chrono::steady_clock::now() + spec.timeout;
  bool timed_out = client_done.wait_until(deadline) != std::future_status::ready ||
                   server_done.wait_until(deadline) != std::future_status::ready;
  if (timed_out) {
    // Wake both ends: any blocked read or write on these sockets fails now.
    for (SocketPair& pair : pairs) {
      for (UniqueFd& fd : pair.fds) {
        ::shutdown(fd.get(), SHUT_RDWR);
      }
    }
  }
  client_thread.join();
  server_thread.join();

  result.client_handshake_ok = client.handshake_ok;
  result.server_handshake_ok = server.handshake_ok;
  result.resumed = client.resumed && server.resumed;
  result.peer_cert_der = std::move(client.peer_cert_der);
  result.client_exception = client.callback_exception;
  result.server_exception = server.callback_exception;
  result.ok = client.ok && server.ok && !timed_out;
  if (timed_out) {
    result.error = "timed out after " + std::to_string(spec.timeout.count()) + " ms";
  }
  for (const std::string* e : {&client.error, &server.error}) {
    if (!e->empty()) {
      result.error += (result.error.empty() ? "" : "; ") + *e;
    }
  }
  return result;
}

}  // namespace e2esasl::testing
