// sas_person.h: the person at each end of SAS-R255-PLUS (docs/demo.md, "SAS: people compare a
// short string"): shows the short authentication string and asks whether the peer sees the same,
// on the terminal or as --sas-answer scripts it.
#ifndef E2ESASL_CLIENT_DEMO_SAS_PERSON_H_
#define E2ESASL_CLIENT_DEMO_SAS_PERSON_H_

#include "options.h"
#include "peer.h"
#include "sasl_session.h"

namespace e2esasl::demo {

// MakeSasCallbacks returns the SAS callbacks (show + confirm, for alice and for bob) for
// o.sas_answer. They record "sas" (this end's string), "sas_peer" (compare-file: the other end's)
// and "sas_answer" (accepted / rejected) in report, which must outlive them. Nothing is ever
// accepted without the terminal's "y"/"yes", --sas-answer yes, or equal strings in compare-file.
SasCallbacks MakeSasCallbacks(const PeerOptions& o, Report& report);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_SAS_PERSON_H_
