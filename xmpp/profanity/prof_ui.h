// prof_ui.h: what the e2esasl Profanity plugin uses of Profanity's C plugin API (<profapi.h>),
// as plain C++ functions. prof_ui.cc is the only file that includes <profapi.h>: that header
// defines (not declares) the API's function pointers, which Profanity's own exported ones
// interpose when it loads the plugin.
#ifndef E2ESASL_PROFANITY_PROF_UI_H_
#define E2ESASL_PROFANITY_PROF_UI_H_

#include <string>
#include <vector>

namespace e2esasl::profanity {

// Console (window 1).
void ConsShow(const std::string& line);
void ConsAlert();
// CurrentIsConsole / CurrentChat: what the person looks at (CurrentChat: the bare JID of the
// current chat window, "" when it is not one).
bool CurrentIsConsole();
std::string CurrentChat();
bool WindowExists(const std::string& tag);
// ChatShow: a line in the chat window with barejid; false when there is none.
bool ChatShow(const std::string& barejid, const std::string& line);
// Plugin windows: WindowInput gets every line typed into one of ours.
using WindowInput = void (*)(char* tag, char* line);
// WindowEnsure: creates our window `tag` unless it exists; true when it made it.
bool WindowEnsure(const std::string& tag, WindowInput input);
void WindowShow(const std::string& tag, const std::string& line);
void WindowFocus(const std::string& tag);
// SendStanza: false when Profanity could not send it (not connected).
bool SendStanza(const std::string& xml);
void LogInfo(const std::string& line);
void LogWarning(const std::string& line);
// Plugin settings (group "e2esasl" of Profanity's plugin_settings file).
std::string SettingString(const std::string& key, const std::string& def);
void SetSettingString(const std::string& key, const std::string& value);
int SettingInt(const std::string& key, int def);
void SetSettingInt(const std::string& key, int value);
// Commands, completion, timers, disco.
using CommandCallback = void (*)(char** args);
struct CommandHelp {
  std::vector<std::string> synopsis;
  std::string description;
  std::vector<std::pair<std::string, std::string>> arguments;
  std::vector<std::string> examples;
};
void RegisterCommand(const std::string& name, int min_args, int max_args, const CommandHelp& help,
                     CommandCallback callback);
void AddCompletions(const std::string& key, const std::vector<std::string>& items);
void RegisterTimed(void (*callback)(void), int seconds);
void AddDiscoFeature(const std::string& feature);
// AskSecret: Profanity's own hidden password prompt (the one /connect uses: nothing is shown,
// kept in the input history or logged). Blocks until the person presses Enter. Returns false
// when this Profanity does not export it.
bool AskSecret(std::string* out);

}  // namespace e2esasl::profanity

#endif  // E2ESASL_PROFANITY_PROF_UI_H_
