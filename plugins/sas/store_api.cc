// store_api.cc: the C functions of <e2esasl/sas_store.h> over sas/retained.h.
#include "e2esasl/sas_store.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "sas/retained.h"

#define E2ESASL_EXPORT __attribute__((visibility("default")))

namespace {

using e2esasl::Failure;
using e2esasl::sas::RetainedFile;

int SetError(char** error, int code, const std::string& text) {
  if (error != nullptr) {
    *error = strdup(text.c_str());
  }
  return code;
}

int Forget(const char* path, const char* identity, size_t* forgotten, char** error) {
  if (error != nullptr) {
    *error = nullptr;
  }
  if (path == nullptr || *path == '\0' || (identity != nullptr && *identity == '\0')) {
    return SetError(error, E2ESASL_SAS_STORE_BADPARAM, "no store path or an empty identity");
  }
  size_t count = 0;
  Failure failure;
  const bool ok = e2esasl::sas::UpdateRetained(
      path, e2esasl::SystemRandom(),
      [&](RetainedFile& file) {
        if (identity == nullptr) {
          count = file.peers.size();
          file.peers.clear();
        } else {
          count = file.Forget(identity);
        }
        return count > 0;
      },
      &failure);
  if (!ok) {
    return SetError(error, E2ESASL_SAS_STORE_UNAVAILABLE, failure.detail);
  }
  if (forgotten != nullptr) {
    *forgotten = count;
  }
  if (identity != nullptr && count == 0) {
    return SetError(error, E2ESASL_SAS_STORE_NOT_FOUND,
                    std::string("no remembered device of ") + identity);
  }
  return E2ESASL_SAS_STORE_OK;
}

}  // namespace

extern "C" {

E2ESASL_EXPORT int e2esasl_sas_store_list(const char* path, e2esasl_sas_peer** peers, size_t* count,
                                          char** error) {
  if (error != nullptr) {
    *error = nullptr;
  }
  if (path == nullptr || *path == '\0' || peers == nullptr || count == nullptr) {
    return SetError(error, E2ESASL_SAS_STORE_BADPARAM, "no store path or no output");
  }
  *peers = nullptr;
  *count = 0;
  Failure failure;
  const std::optional<RetainedFile> file = e2esasl::sas::LoadRetained(path, &failure);
  if (!file) {
    return SetError(error, E2ESASL_SAS_STORE_UNAVAILABLE, failure.detail);
  }
  if (file->peers.empty()) {
    return E2ESASL_SAS_STORE_OK;
  }
  auto* out = static_cast<e2esasl_sas_peer*>(calloc(file->peers.size(), sizeof(e2esasl_sas_peer)));
  if (out == nullptr) {
    return SetError(error, E2ESASL_SAS_STORE_UNAVAILABLE, "out of memory");
  }
  for (size_t i = 0; i < file->peers.size(); ++i) {
    const auto& peer = file->peers[i];
    out[i].identity = strdup(peer.identity.c_str());
    if (out[i].identity == nullptr) {
      e2esasl_sas_store_free_list(out, i);
      return SetError(error, E2ESASL_SAS_STORE_UNAVAILABLE, "out of memory");
    }
    std::memcpy(out[i].device, peer.device.data(), sizeof out[i].device);
    out[i].verified = peer.verified ? 1 : 0;
    out[i].created = peer.created;
    out[i].confirmed = peer.confirmed;
    out[i].updated = peer.updated;
  }
  *peers = out;
  *count = file->peers.size();
  return E2ESASL_SAS_STORE_OK;
}

E2ESASL_EXPORT void e2esasl_sas_store_free_list(e2esasl_sas_peer* peers, size_t count) {
  if (peers == nullptr) {
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    free(peers[i].identity);
  }
  free(peers);
}

E2ESASL_EXPORT int e2esasl_sas_store_forget(const char* path, const char* identity,
                                            size_t* forgotten, char** error) {
  if (identity == nullptr) {
    return SetError(error, E2ESASL_SAS_STORE_BADPARAM, "no identity");
  }
  return Forget(path, identity, forgotten, error);
}

E2ESASL_EXPORT int e2esasl_sas_store_forget_all(const char* path, size_t* forgotten, char** error) {
  return Forget(path, nullptr, forgotten, error);
}

E2ESASL_EXPORT void e2esasl_sas_store_free_string(char* s) {
  free(s);
}

}  // extern "C"
