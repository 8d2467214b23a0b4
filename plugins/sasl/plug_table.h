// plug_table.h: a family's Cyrus plug table, built once per module, and the body both
// sasl_client_plug_init and sasl_server_plug_init share (client_plugin.cc, server_plugin.cc).
#ifndef E2ESASL_SASL_PLUG_TABLE_H_
#define E2ESASL_SASL_PLUG_TABLE_H_

#include <string_view>
#include <vector>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "sasl/errors.h"
#include "sasl/guard.h"
#include "sasl/mechanism.h"

namespace e2esasl::sasl {

// PlugEntry: what a plug's glob_context points to: the family and one of its mechanisms.
struct PlugEntry {
  const Family* family;
  const MechanismSpec* spec;
};

// PlugTable: one Plug (sasl_client_plug_t or sasl_server_plug_t) per mechanism of the family,
// with the fields both ends fill alike (the base name, no SSF, the security flags, the features
// and SASL_FEAT_WANT_CLIENT_FIRST, glob_context = its entry); complete(entry, &plug) adds the
// end's own (mech_new, mech_step, ...). entries and plugs never move after construction.
template <class Plug>
struct PlugTable {
  PlugTable(const Family& family, void (*complete)(PlugEntry& entry, Plug* plug)) {
    entries.reserve(family.mechanisms.size());
    for (const MechanismSpec& spec : family.mechanisms) {
      entries.push_back(PlugEntry{&family, &spec});
    }
    for (PlugEntry& entry : entries) {
      Plug plug{};
      plug.mech_name = entry.spec->name;
      plug.max_ssf = 0;
      plug.security_flags = entry.spec->security_flags;
      plug.features = entry.spec->features | SASL_FEAT_WANT_CLIENT_FIRST;
      plug.glob_context = &entry;
      complete(entry, &plug);
      plugs.push_back(plug);
    }
  }
  std::vector<PlugEntry> entries;
  std::vector<Plug> plugs;
};

// PlugInit: the body of sasl_client_plug_init / sasl_server_plug_init. A libsasl2 whose
// max_version is below version gets SASL_BADVERS (sasl_errdetail(): too_old); otherwise
// table(family)'s plugs are handed out: SASL_OK. table returns the module's one table, a static
// of a function of the caller's file (not of this template: the modules of two families loaded
// in one process must never share it).
template <class Plug>
int PlugInit(const Family& family, const sasl_utils_t* utils, int max_version, int version,
             std::string_view too_old, PlugTable<Plug>& (*table)(const Family& family),
             int* out_version, Plug** pluglist, int* plugcount) noexcept {
  return Guarded(utils, family.plugin_name, [&] {
    if (max_version < version) {
      SetError(utils, family.plugin_name, too_old);
      return SASL_BADVERS;
    }
    PlugTable<Plug>& plugs = table(family);
    *out_version = version;
    *pluglist = plugs.plugs.data();
    *plugcount = static_cast<int>(plugs.plugs.size());
    return SASL_OK;
  });
}

}  // namespace e2esasl::sasl

#endif  // E2ESASL_SASL_PLUG_TABLE_H_
