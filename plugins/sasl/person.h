// person.h: how the glue asks a person to accept a text (a short authentication string) on a
// session's behalf: the application's E2ESASL_CB_SAS_CONFIRM / E2ESASL_CB_SAS_SHOW callbacks
// (include/e2esasl/confirm.h) and, on the client, a SASL_INTERACT echo prompt.
#ifndef E2ESASL_SASL_PERSON_H_
#define E2ESASL_SASL_PERSON_H_

#include <string>
#include <string_view>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "e2esasl/confirm.h"

namespace e2esasl::sasl {

// PersonCallback: an application callback found on the connection.
struct PersonCallback {
  e2esasl_confirm_t* proc = nullptr;
  void* context = nullptr;
  explicit operator bool() const { return proc != nullptr; }
  // Ask calls the callback with text; true only when it returned SASL_OK.
  bool Ask(std::string_view text, bool is_server) const;
};

// FindPersonCallback returns the connection's callback `id` (E2ESASL_CB_SAS_CONFIRM or
// E2ESASL_CB_SAS_SHOW), or an empty PersonCallback when the application registered none (or
// registered the id without a procedure).
PersonCallback FindPersonCallback(const sasl_utils_t* utils, unsigned long id);

// ContinuityCallback: the application's E2ESASL_CB_SAS_CONTINUITY callback (confirm.h).
struct ContinuityCallback {
  e2esasl_continuity_t* proc = nullptr;
  void* context = nullptr;
  explicit operator bool() const { return proc != nullptr; }
  // Tell calls the callback (true when there is none); true only when it returned SASL_OK.
  bool Tell(int event, std::string_view peer, bool is_server) const;
};

// FindContinuityCallback returns the connection's E2ESASL_CB_SAS_CONTINUITY callback, or an
// empty one.
ContinuityCallback FindContinuityCallback(const sasl_utils_t* utils);

// MakeConfirmPrompt replaces *prompt_need with a list of one SASL_CB_ECHOPROMPT prompt whose
// challenge is text (text must outlive the prompt list) and returns SASL_INTERACT; SASL_NOMEM
// (error detail set) when utils->malloc fails.
int MakeConfirmPrompt(const sasl_utils_t* utils, std::string_view mechanism,
                      const std::string& text, sasl_interact_t** prompt_need);

// TakeConfirmAnswer reads the answer to MakeConfirmPrompt's prompt and releases the list: true
// only for "yes" or "y" (any case). No list, no prompt or no answer: false (never accepted
// automatically).
bool TakeConfirmAnswer(const sasl_utils_t* utils, sasl_interact_t** prompt_need);

}  // namespace e2esasl::sasl

#endif  // E2ESASL_SASL_PERSON_H_
