// cb_negotiation.cc: the channel-binding decision tables.
#include "common/cb_negotiation.h"

#include <string>

namespace e2esasl::cb {

OwnedBinding OwnedBinding::Copy(const ChannelBindingRef& binding) {
  return OwnedBinding{std::string(binding.name), Bytes(binding.data.begin(), binding.data.end()),
                      binding.critical};
}

std::optional<OwnedBinding> CopyBinding(const std::optional<ChannelBindingRef>& binding) {
  if (!binding) {
    return std::nullopt;
  }
  return OwnedBinding::Copy(*binding);
}

std::optional<ChannelBindingRef> RefBinding(const std::optional<OwnedBinding>& binding) {
  if (!binding) {
    return std::nullopt;
  }
  return binding->Ref();
}

Disposition DispositionOf(gs2::CbFlag flag) {
  switch (flag) {
    case gs2::CbFlag::kNone:
      return Disposition::kNone;
    case gs2::CbFlag::kWant:
      return Disposition::kWant;
    case gs2::CbFlag::kUsed:
      return Disposition::kUsed;
  }
  return Disposition::kNone;
}

Status ChooseClientFlag(ClientChoice* out_choice, Failure* out_failure, bool plus_selected,
                        const std::optional<ChannelBindingRef>& binding) {
  if (binding && binding->data.empty()) {
    return Fail(out_failure, Status::kBadBinding,
                "the application's channel binding \"" + std::string(binding->name) +
                    "\" has no data (a binding of nothing binds nothing)");
  }
  if (plus_selected) {
    if (!binding) {
      return Fail(out_failure, Status::kBadBinding,
                  "a -PLUS mechanism was selected but the application set no channel binding");
    }
    if (!gs2::IsValidCbName(binding->name)) {
      return Fail(out_failure, Status::kBadBinding,
                  "the application's channel-binding name is not a valid cb-name");
    }
    *out_choice = ClientChoice{gs2::CbFlag::kUsed, binding->name};
    return Status::kOk;
  }
  if (!binding) {
    *out_choice = ClientChoice{gs2::CbFlag::kNone, {}};
    return Status::kOk;
  }
  if (binding->critical) {
    return Fail(out_failure, Status::kBadBinding,
                "channel binding is required (critical) but a non-PLUS mechanism was selected");
  }
  // RFC 5802 s6: the client supports channel binding but the server did not offer -PLUS.
  *out_choice = ClientChoice{gs2::CbFlag::kWant, {}};
  return Status::kOk;
}

ServerVerdict JudgeServerFlag(const gs2::Gs2Header& header,
                              const std::optional<ChannelBindingRef>& server_binding,
                              bool plus_advertised) {
  ServerVerdict verdict;
  verdict.disposition = DispositionOf(header.flag);
  if (server_binding && server_binding->data.empty()) {
    verdict.status = Status::kBadBinding;
    verdict.detail = "the server's channel binding \"" + std::string(server_binding->name) +
                     "\" has no data (a binding of nothing binds nothing)";
    return verdict;
  }
  switch (header.flag) {
    case gs2::CbFlag::kUsed:
      if (!server_binding) {
        verdict.status = Status::kBadBinding;
        verdict.detail = "client requires channel binding \"" + header.cb_name +
                         "\" but the server has no channel binding";
        return verdict;
      }
      if (header.cb_name != server_binding->name) {
        verdict.status = Status::kBadBinding;
        verdict.detail = "client uses channel binding \"" + header.cb_name +
                         "\" but the server's channel binding is \"" +
                         std::string(server_binding->name) + "\"";
        return verdict;
      }
      verdict.status = Status::kOk;
      return verdict;
    case gs2::CbFlag::kWant:
      if (server_binding || plus_advertised) {
        verdict.status = Status::kAuthFailed;
        verdict.detail =
            "downgrade detected: the client supports channel binding and believes the server does "
            "not, but the server offers it";
        return verdict;
      }
      verdict.status = Status::kOk;
      return verdict;
    case gs2::CbFlag::kNone:
      if (server_binding && server_binding->critical) {
        verdict.status = Status::kBadBinding;
        verdict.detail = "the server requires channel binding but the client sent \"n\"";
        return verdict;
      }
      verdict.status = Status::kOk;
      return verdict;
  }
  verdict.status = Status::kInternal;
  verdict.detail = "unknown channel-binding flag";
  return verdict;
}

Bytes ChannelBindingInput(ByteView gs2_header_bytes, gs2::CbFlag flag, ByteView cb_data) {
  // RFC 5802 s7: cbind-input = gs2-header [ cbind-data ] ; cbind-data only with "p=".
  Bytes out(gs2_header_bytes.begin(), gs2_header_bytes.end());
  if (flag == gs2::CbFlag::kUsed) {
    out.insert(out.end(), cb_data.begin(), cb_data.end());
  }
  return out;
}

}  // namespace e2esasl::cb
