// session.cc: the client's input checks and the server's GS2 verdict (see session.h).
#include "common/session.h"

#include "common/saslprep.h"

namespace e2esasl {

Status AcceptedGs2::JudgeGs2(const gs2::Gs2Header& header, const ServerInputs& inputs,
                             Failure* failure) {
  gs2_ = header;
  const cb::ServerVerdict verdict =
      cb::JudgeServerFlag(gs2_, cb::RefBinding(inputs.binding), inputs.plus_advertised);
  if (verdict.status != Status::kOk) {
    return Fail(failure, verdict.status, verdict.detail);
  }
  return Status::kOk;
}

ByteView AcceptedGs2::BindingData(const ServerInputs& inputs) const {
  if (gs2_.flag != gs2::CbFlag::kUsed || !inputs.binding) {
    return ByteView();
  }
  return inputs.binding->data;
}

Status CheckClientInputs(const ClientInputs& inputs, std::string* authcid, Failure* failure) {
  const gs2::Gs2Header& gs2 = inputs.gs2;
  const bool used = gs2.flag == gs2::CbFlag::kUsed;
  if (used ? (!gs2::IsValidCbName(gs2.cb_name) || inputs.cb_data.empty())
           : (!gs2.cb_name.empty() || !inputs.cb_data.empty())) {
    return Fail(failure, Status::kBadBinding,
                used ? "channel binding: missing cb-name or binding data"
                     : "channel binding: data given without p= flag");
  }
  // The client SHOULD prepare the username using SASLprep as a query string (RFC 5802 s5.1).
  std::optional<SecretString> prepared = SaslPrep(inputs.authcid, SaslPrepMode::kQuery);
  if (!prepared || prepared->empty()) {
    return Fail(failure, Status::kInternal, "the authentication identity is not valid (SASLprep)");
  }
  *authcid = std::string(prepared->view());
  return Status::kOk;
}

Status PreparePassword(SecretString* password, SecretString* prepared, Failure* failure) {
  std::optional<SecretString> result = SaslPrep(password->view(), SaslPrepMode::kQuery);
  password->Clear();
  if (!result || result->empty()) {
    return Fail(failure, Status::kInternal, "the password is empty or not valid (SASLprep)");
  }
  *prepared = std::move(*result);
  return Status::kOk;
}

}  // namespace e2esasl
