// memory_auxprop.cc: the in-memory auxprop plugin of memory_auxprop.h.
#include "memory_auxprop.h"

#include <map>
#include <string>
#include <utility>

#include <sasl/prop.h>
#include <sasl/sasl.h>
#include <sasl/saslplug.h>

namespace e2esasl::bench {
namespace {

// The store: (user, property name without '*') -> value. One process, one thread.
std::map<std::pair<std::string, std::string>, std::string>& Store() {
  static std::map<std::pair<std::string, std::string>, std::string> store;
  return store;
}

// Lookup follows the auxprop contract as Cyrus's sasldb does: an authentication-identity lookup
// fills the requested names that start with '*', an authorization-identity lookup the others;
// a name that already has values is left alone unless SASL_AUXPROP_OVERRIDE. SASL_NOUSER when
// names were to be fetched and none was found; SASL_OK when there was nothing to fetch.
int Lookup(void*, sasl_server_params_t* sparams, unsigned flags, const char* user, unsigned ulen) {
  if (sparams == nullptr || user == nullptr) {
    return SASL_BADPARAM;
  }
  const std::string who(user, ulen);
  const propval* to_fetch = prop_get(sparams->propctx);
  if (to_fetch == nullptr) {
    return SASL_NOMEM;
  }
  bool wanted = false;
  bool found = false;
  for (const propval* cur = to_fetch; cur->name != nullptr; ++cur) {
    const bool authid_name = cur->name[0] == '*';
    if (authid_name == ((flags & SASL_AUXPROP_AUTHZID) != 0)) {
      continue;
    }
    if (cur->values != nullptr && (flags & SASL_AUXPROP_OVERRIDE) == 0) {
      continue;
    }
    wanted = true;
    const auto it = Store().find({who, authid_name ? cur->name + 1 : cur->name});
    if (it == Store().end()) {
      continue;
    }
    if (cur->values != nullptr) {
      prop_erase(sparams->propctx, cur->name);
    }
    prop_set(sparams->propctx, cur->name, it->second.data(), static_cast<int>(it->second.size()));
    found = true;
  }
  return found || !wanted ? SASL_OK : SASL_NOUSER;
}

// StoreProps saves every property of ctx that has a value and deletes those that have none (as
// sasldb does); a null ctx asks whether storing is possible.
int StoreProps(void*, sasl_server_params_t*, propctx* ctx, const char* user, unsigned ulen) {
  if (ctx == nullptr) {
    return SASL_OK;
  }
  if (user == nullptr) {
    return SASL_BADPARAM;
  }
  const std::string who(user, ulen);
  const propval* props = prop_get(ctx);
  if (props == nullptr) {
    return SASL_NOMEM;
  }
  for (const propval* cur = props; cur->name != nullptr; ++cur) {
    const std::string name = cur->name[0] == '*' ? cur->name + 1 : cur->name;
    if (cur->values != nullptr && cur->values[0] != nullptr) {
      Store()[{who, name}] = cur->values[0];
    } else {
      Store().erase({who, name});
    }
  }
  return SASL_OK;
}

char g_name[] = "e2esasl-bench-memory";

sasl_auxprop_plug_t g_plug = {
    0,            // features
    0,            // spare_int1
    nullptr,      // glob_context
    nullptr,      // auxprop_free
    &Lookup,      // auxprop_lookup
    g_name,       // name
    &StoreProps,  // auxprop_store
};

int Init(const sasl_utils_t*, int max_version, int* out_version, sasl_auxprop_plug_t** plug,
         const char*) {
  if (max_version < SASL_AUXPROP_PLUG_VERSION) {
    return SASL_BADVERS;
  }
  *out_version = SASL_AUXPROP_PLUG_VERSION;
  *plug = &g_plug;
  return SASL_OK;
}

}  // namespace

int AddMemoryAuxprop() {
  return sasl_auxprop_add_plugin(kMemoryAuxpropName, &Init);
}

}  // namespace e2esasl::bench
