// person_step.h: one SASL step of SAS-R255-PLUS on a worker thread, so that a person can answer
// the "same string?" question later while the caller's thread keeps serving the XMPP connection.
//
// libsasl2 2.1.28 gives a server mechanism no way to wait for its application: sasl_server_step
// has no prompt list (lib/server.c passes the plugin's result straight through), and the
// plugin's confirm callback must return the answer. So the step itself waits, on a worker
// thread; its person hooks post each question to the caller's thread and block until it is
// answered. The caller's thread never touches the session's SASL end while the worker runs: it
// waits in Drive while the worker computes, serves other stanzas while the worker waits inside a
// hook, and after Answer only Drive (waits), Cancel (answers "no" and joins) or Take (after the
// join) reach the step. No application callback ever runs on the worker: Drive makes them in the
// caller's thread.
#ifndef E2ESASL_XMPP_PERSON_STEP_H_
#define E2ESASL_XMPP_PERSON_STEP_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "sasl_end.h"

namespace e2esasl::xmpp {

class PersonStep {
 public:
  // Ask: the application's person, called in the caller's thread. show displays the string;
  // confirm returns 1 (same), 0 (not the same) or 2 (E2E_XMPP_PENDING: answer later).
  struct Ask {
    std::function<void(const std::string& sas)> show;
    std::function<int(const std::string& sas, bool is_server)> confirm;
  };
  enum class Outcome {
    kDone,       // the step finished: Take() its result
    kPending,    // the person answers later (Answer), then Drive again
    kCancelled,  // Cancel was called meanwhile (from inside an Ask callback)
  };

  PersonStep() = default;
  ~PersonStep();  // Cancel
  PersonStep(const PersonStep&) = delete;
  PersonStep& operator=(const PersonStep&) = delete;

  // WorkerHooks: the hooks to give the SASL end; they forward to the worker's questions while a
  // step runs here and say "no" otherwise (never called outside a step for SAS).
  const PersonHooks* WorkerHooks() const { return &worker_hooks_; }

  // Run starts step on the worker thread; the caller then calls Drive. Only one at a time.
  void Run(std::function<SaslStep()> step);
  // Drive waits (in the caller's thread) for the worker, answering its questions through ask,
  // until the step is done, a question is left pending, or the step is cancelled.
  Outcome Drive(const Ask& ask);
  // Take: the finished step's result (after Drive returned kDone).
  SaslStep Take();
  // Answer: the person's answer to the pending question. false when none is pending.
  bool Answer(bool same);
  // Cancel answers "no" to every question until the step ends, and joins the worker.
  void Cancel();
  bool running() const { return worker_.joinable(); }
  bool waiting_for_person() const { return waiting_for_person_; }

 private:
  enum class Kind { kNone, kShow, kConfirm };
  // Worker side: post a question and wait for its answer.
  bool AskFromWorker(Kind kind, const std::string& sas, bool is_server);
  void Reply(bool same);

  PersonHooks worker_hooks_{
      [this](const std::string& sas, bool is_server) {
        return AskFromWorker(Kind::kConfirm, sas, is_server);
      },
      [this](const std::string& sas) { AskFromWorker(Kind::kShow, sas, false); },
      nullptr};  // continuity: the Session queues those itself (no question, no wait)

  std::mutex mu_;
  std::condition_variable cv_;
  std::thread worker_;
  // Guarded by mu_.
  std::thread::id worker_id_;
  bool done_ = false;
  bool cancelled_ = false;
  Kind question_ = Kind::kNone;
  bool question_taken_ = false;
  std::string sas_;
  bool is_server_ = false;
  std::optional<bool> answer_;
  SaslStep result_;
  // Caller's thread only.
  bool waiting_for_person_ = false;
  bool answered_early_ = false;
};

}  // namespace e2esasl::xmpp

#endif  // E2ESASL_XMPP_PERSON_STEP_H_
