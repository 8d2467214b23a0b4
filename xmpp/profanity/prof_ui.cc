// prof_ui.cc: see prof_ui.h.
#include "prof_ui.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>

#include <openssl/crypto.h>

extern "C" {
#include <profapi.h>
}

namespace e2esasl::profanity {
namespace {

// Mutable copies: the API takes char* for strings it only reads.
std::vector<char> Mutable(const std::string& s) {
  return std::vector<char>(s.c_str(), s.c_str() + s.size() + 1);
}

// CStrings: a NULL-terminated char* array over owned copies.
class CStrings {
 public:
  explicit CStrings(const std::vector<std::string>& items) {
    for (const std::string& s : items) {
      storage_.push_back(Mutable(s));
    }
    for (std::vector<char>& s : storage_) {
      pointers_.push_back(s.data());
    }
    pointers_.push_back(nullptr);
  }
  char** get() { return pointers_.data(); }

 private:
  std::vector<std::vector<char>> storage_;
  std::vector<char*> pointers_;
};

constexpr char kGroup[] = "e2esasl";
// kPluginFile: what the API's registering macros pass as __FILE__. Profanity names the owner of
// a command, timer or window from it (its last character replaced by "so"), and that name must
// be the plugin file's, e2esasl.so, for /plugins unload to remove them.
constexpr char kPluginFile[] = "e2esasl.c";

}  // namespace

void ConsShow(const std::string& line) {
  prof_cons_show(line.c_str());
}

void ConsAlert() {
  prof_cons_alert();
}

bool CurrentIsConsole() {
  return prof_current_win_is_console() != 0;
}

std::string CurrentChat() {
  char* jid = prof_get_current_recipient();
  if (jid == nullptr) {
    return "";
  }
  std::string out = jid;
  std::free(jid);
  return out;
}

bool WindowExists(const std::string& tag) {
  std::vector<char> t = Mutable(tag);
  return prof_win_exists(t.data()) != 0;
}

bool ChatShow(const std::string& barejid, const std::string& line) {
  return prof_chat_show(barejid.c_str(), line.c_str()) != 0;
}

bool WindowEnsure(const std::string& tag, WindowInput input) {
  std::vector<char> t = Mutable(tag);
  if (prof_win_exists(t.data())) {
    return false;
  }
  _prof_win_create(kPluginFile, t.data(), input);
  return true;
}

void WindowShow(const std::string& tag, const std::string& line) {
  std::vector<char> t = Mutable(tag), l = Mutable(line);
  prof_win_show(t.data(), l.data());
}

void WindowFocus(const std::string& tag) {
  std::vector<char> t = Mutable(tag);
  prof_win_focus(t.data());
}

bool SendStanza(const std::string& xml) {
  std::vector<char> x = Mutable(xml);
  return prof_send_stanza(x.data()) != 0;
}

void LogInfo(const std::string& line) {
  prof_log_info(line.c_str());
}

void LogWarning(const std::string& line) {
  prof_log_warning(line.c_str());
}

std::string SettingString(const std::string& key, const std::string& def) {
  std::vector<char> g = Mutable(kGroup), k = Mutable(key), d = Mutable(def);
  char* value = prof_settings_string_get(g.data(), k.data(), d.data());
  if (value == nullptr) {
    return def;
  }
  std::string out = value;
  if (value != d.data()) {
    std::free(value);  // Profanity returns a copy of a stored value, or def itself
  }
  return out;
}

void SetSettingString(const std::string& key, const std::string& value) {
  std::vector<char> g = Mutable(kGroup), k = Mutable(key), v = Mutable(value);
  prof_settings_string_set(g.data(), k.data(), v.data());
}

int SettingInt(const std::string& key, int def) {
  std::vector<char> g = Mutable(kGroup), k = Mutable(key);
  return prof_settings_int_get(g.data(), k.data(), def);
}

void SetSettingInt(const std::string& key, int value) {
  std::vector<char> g = Mutable(kGroup), k = Mutable(key);
  prof_settings_int_set(g.data(), k.data(), value);
}

void RegisterCommand(const std::string& name, int min_args, int max_args, const CommandHelp& help,
                     CommandCallback callback) {
  // Profanity copies what it keeps; these live for the call.
  CStrings synopsis(help.synopsis);
  CStrings examples(help.examples);
  std::vector<std::vector<char>> arg_storage;
  for (const auto& [arg, what] : help.arguments) {
    arg_storage.push_back(Mutable(arg));
    arg_storage.push_back(Mutable(what));
  }
  std::vector<char*> flat(help.arguments.size() * 2 + 2, nullptr);
  for (size_t i = 0; i < arg_storage.size(); ++i) {
    flat[i] = arg_storage[i].data();
  }
  std::vector<char> description = Mutable(help.description);
  _prof_register_command(kPluginFile, name.c_str(), min_args, max_args, synopsis.get(), description.data(),
                        reinterpret_cast<char* (*)[2]>(flat.data()), examples.get(), callback);
}

void AddCompletions(const std::string& key, const std::vector<std::string>& items) {
  CStrings list(items);
  _prof_completer_add(kPluginFile, key.c_str(), list.get());
}

void RegisterTimed(void (*callback)(void), int seconds) {
  _prof_register_timed(kPluginFile, callback, seconds);
}

void AddDiscoFeature(const std::string& feature) {
  std::vector<char> f = Mutable(feature);
  _prof_disco_add_feature(kPluginFile, f.data());
}

bool AskSecret(std::string* out) {
  // Not part of the plugin API: Profanity's exported inp_get_password, if this build has it.
  using GetPassword = char* (*)(void);
  auto get = reinterpret_cast<GetPassword>(dlsym(RTLD_DEFAULT, "inp_get_password"));
  if (get == nullptr) {
    return false;
  }
  char* line = get();
  if (line == nullptr) {
    out->clear();
    return true;
  }
  size_t len = std::strlen(line);
  out->assign(line, len);
  OPENSSL_cleanse(line, len);
  std::free(line);
  return true;
}

}  // namespace e2esasl::profanity
