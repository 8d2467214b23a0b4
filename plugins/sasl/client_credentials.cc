// client_credentials.cc: callbacks first, then SASL_INTERACT prompts (the Cyrus convention).
#include "sasl/client_credentials.h"

#include <cstring>
#include <vector>

#include "sasl/errors.h"

namespace e2esasl::sasl {
namespace {

// Answer is the outcome of asking for one value.
enum class Answer { kGot, kAbsent, kPrompt, kError };

const sasl_interact_t* FindPrompt(sasl_interact_t* const* prompt_need, unsigned long id) {
  if (prompt_need == nullptr || *prompt_need == nullptr) {
    return nullptr;
  }
  for (const sasl_interact_t* p = *prompt_need; p->id != SASL_CB_LIST_END; ++p) {
    if (p->id == id) {
      return p;
    }
  }
  return nullptr;
}

// AskSimple gets SASL_CB_AUTHNAME or SASL_CB_USER.
Answer AskSimple(const sasl_utils_t* utils, sasl_interact_t* const* prompt_need, unsigned long id,
                 std::string* out, int* code) {
  if (const sasl_interact_t* p = FindPrompt(prompt_need, id)) {
    if (p->result == nullptr) {
      return Answer::kAbsent;
    }
    out->assign(static_cast<const char*>(p->result), p->len);
    return Answer::kGot;
  }
  sasl_getsimple_t* proc = nullptr;
  void* context = nullptr;
  const int r =
      utils->getcallback(utils->conn, id, reinterpret_cast<sasl_callback_ft*>(&proc), &context);
  if (r == SASL_INTERACT || (r == SASL_OK && proc == nullptr)) {
    return Answer::kPrompt;  // no callback, or one that asks for interaction
  }
  if (r != SASL_OK) {
    return Answer::kAbsent;
  }
  const char* result = nullptr;
  unsigned len = 0;
  *code = proc(context, static_cast<int>(id), &result, &len);
  if (*code != SASL_OK) {
    return Answer::kError;
  }
  if (result == nullptr) {
    return Answer::kAbsent;
  }
  out->assign(result, len != 0 ? len : std::strlen(result));
  return Answer::kGot;
}

// AskPassword gets SASL_CB_PASS.
Answer AskPassword(const sasl_utils_t* utils, sasl_interact_t* const* prompt_need,
                   SecretString* out, int* code) {
  if (const sasl_interact_t* p = FindPrompt(prompt_need, SASL_CB_PASS)) {
    if (p->result == nullptr) {
      return Answer::kAbsent;
    }
    *out = SecretString(std::string_view(static_cast<const char*>(p->result), p->len));
    return Answer::kGot;
  }
  sasl_getsecret_t* proc = nullptr;
  void* context = nullptr;
  const int r = utils->getcallback(utils->conn, SASL_CB_PASS,
                                   reinterpret_cast<sasl_callback_ft*>(&proc), &context);
  if (r == SASL_INTERACT || (r == SASL_OK && proc == nullptr)) {
    return Answer::kPrompt;  // no callback, or one that asks for interaction
  }
  if (r != SASL_OK) {
    return Answer::kAbsent;
  }
  sasl_secret_t* secret = nullptr;
  *code = proc(utils->conn, context, SASL_CB_PASS, &secret);
  if (*code != SASL_OK) {
    return Answer::kError;
  }
  if (secret == nullptr) {
    return Answer::kAbsent;
  }
  *out = SecretString(std::string_view(reinterpret_cast<const char*>(secret->data), secret->len));
  return Answer::kGot;
}

}  // namespace

int ClientCredentials::Collect(const sasl_utils_t* utils, std::string_view mechanism,
                               sasl_interact_t** prompt_need) {
  std::vector<unsigned long> prompts;
  int code = SASL_OK;

  if (!authcid_) {
    std::string value;
    switch (AskSimple(utils, prompt_need, SASL_CB_AUTHNAME, &value, &code)) {
      case Answer::kGot:
        if (value.empty()) {
          SetError(utils, mechanism, "the authentication name is empty");
          return SASL_BADPARAM;
        }
        authcid_ = std::move(value);
        break;
      case Answer::kPrompt:
        prompts.push_back(SASL_CB_AUTHNAME);
        break;
      case Answer::kAbsent:
        SetError(utils, mechanism, "no authentication name: the application gave none");
        return SASL_BADPARAM;
      case Answer::kError:
        return code;
    }
  }
  if (!authzid_) {
    std::string value;
    switch (AskSimple(utils, prompt_need, SASL_CB_USER, &value, &code)) {
      case Answer::kGot:
        authzid_ = std::move(value);
        break;
      case Answer::kPrompt:
        prompts.push_back(SASL_CB_USER);
        break;
      case Answer::kAbsent:
        authzid_ = std::string();  // optional: authorize as the authentication identity
        break;
      case Answer::kError:
        return code;
    }
  }
  if (needs_password_ && !password_) {
    SecretString value;
    switch (AskPassword(utils, prompt_need, &value, &code)) {
      case Answer::kGot:
        password_ = std::move(value);
        break;
      case Answer::kPrompt:
        prompts.push_back(SASL_CB_PASS);
        break;
      case Answer::kAbsent:
        SetError(utils, mechanism, "no password: the application gave none");
        return SASL_BADPARAM;
      case Answer::kError:
        return code;
    }
  }

  // The answers to the previous prompts have been copied: release that list.
  if (prompt_need != nullptr && *prompt_need != nullptr) {
    utils->free(*prompt_need);
    *prompt_need = nullptr;
  }
  if (prompts.empty()) {
    if (!needs_password_) {
      password_ = SecretString();
    }
    return SASL_OK;
  }
  if (prompt_need == nullptr) {
    SetError(utils, mechanism, "the application neither gave callbacks nor accepts prompts");
    return SASL_BADPARAM;
  }
  const size_t bytes = sizeof(sasl_interact_t) * (prompts.size() + 1);
  auto* list = static_cast<sasl_interact_t*>(utils->malloc(static_cast<unsigned>(bytes)));
  if (list == nullptr) {
    SetError(utils, mechanism, "out of memory");
    return SASL_NOMEM;
  }
  std::memset(list, 0, bytes);
  for (size_t i = 0; i < prompts.size(); ++i) {
    list[i].id = prompts[i];
    switch (prompts[i]) {
      case SASL_CB_AUTHNAME:
        list[i].prompt = "Please enter your authentication name";
        break;
      case SASL_CB_USER:
        list[i].prompt = "Please enter your authorization name";
        break;
      default:
        list[i].prompt = "Please enter your password";
        break;
    }
  }
  list[prompts.size()].id = SASL_CB_LIST_END;
  *prompt_need = list;
  return SASL_INTERACT;
}

}  // namespace e2esasl::sasl
