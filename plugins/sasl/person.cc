// person.cc: asking a person through the application (see person.h).
#include "sasl/person.h"

#include <cctype>
#include <cstring>

#include "sasl/errors.h"

namespace e2esasl::sasl {

bool PersonCallback::Ask(std::string_view text, bool is_server) const {
  return proc != nullptr && proc(context, text.data(), static_cast<unsigned>(text.size()),
                                 is_server ? 1 : 0) == SASL_OK;
}

namespace {

// FindCallback fills *found with the application's callback `id`, registered with the type
// Found::proc points to (confirm.h); Cyrus stores every callback as int (*)(void).
template <class Found>
Found FindCallback(const sasl_utils_t* utils, unsigned long id) {
  sasl_callback_ft proc = nullptr;
  void* context = nullptr;
  Found found;
  if (utils->getcallback(utils->conn, id, &proc, &context) == SASL_OK && proc != nullptr) {
    found.proc = reinterpret_cast<decltype(found.proc)>(reinterpret_cast<void (*)()>(proc));
    found.context = context;
  }
  return found;
}

}  // namespace

PersonCallback FindPersonCallback(const sasl_utils_t* utils, unsigned long id) {
  return FindCallback<PersonCallback>(utils, id);
}

bool ContinuityCallback::Tell(int event, std::string_view peer, bool is_server) const {
  return proc == nullptr || proc(context, event, peer.data(), static_cast<unsigned>(peer.size()),
                                 is_server ? 1 : 0) == SASL_OK;
}

ContinuityCallback FindContinuityCallback(const sasl_utils_t* utils) {
  return FindCallback<ContinuityCallback>(utils, E2ESASL_CB_SAS_CONTINUITY);
}

int MakeConfirmPrompt(const sasl_utils_t* utils, std::string_view mechanism,
                      const std::string& text, sasl_interact_t** prompt_need) {
  if (*prompt_need != nullptr) {
    utils->free(*prompt_need);
    *prompt_need = nullptr;
  }
  const size_t bytes = sizeof(sasl_interact_t) * 2;
  auto* list = static_cast<sasl_interact_t*>(utils->malloc(static_cast<unsigned>(bytes)));
  if (list == nullptr) {
    SetError(utils, mechanism, "out of memory");
    return SASL_NOMEM;
  }
  std::memset(list, 0, bytes);
  list[0].id = SASL_CB_ECHOPROMPT;
  list[0].challenge = text.c_str();
  list[0].prompt =
      "Does the other end show exactly this short authentication string? Answer yes or no";
  list[0].defresult = "no";
  list[1].id = SASL_CB_LIST_END;
  *prompt_need = list;
  return SASL_INTERACT;
}

bool TakeConfirmAnswer(const sasl_utils_t* utils, sasl_interact_t** prompt_need) {
  if (prompt_need == nullptr || *prompt_need == nullptr) {
    return false;
  }
  bool accepted = false;
  for (const sasl_interact_t* p = *prompt_need; p->id != SASL_CB_LIST_END; ++p) {
    if (p->id != SASL_CB_ECHOPROMPT || p->result == nullptr) {
      continue;
    }
    std::string answer(static_cast<const char*>(p->result), p->len);
    for (char& c : answer) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    accepted = answer == "yes" || answer == "y";
  }
  utils->free(*prompt_need);
  *prompt_need = nullptr;
  return accepted;
}

}  // namespace e2esasl::sasl
