// person_step.cc: see person_step.h.
#include "person_step.h"

#include <openssl/crypto.h>

namespace e2esasl::xmpp {

PersonStep::~PersonStep() {
  Cancel();
}

void PersonStep::Run(std::function<SaslStep()> step) {
  Cancel();  // never two workers
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = false;
    cancelled_ = false;
    question_ = Kind::kNone;
    question_taken_ = false;
    answer_.reset();
    result_ = SaslStep{};
  }
  waiting_for_person_ = false;
  answered_early_ = false;
  worker_ = std::thread([this, step = std::move(step)] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      worker_id_ = std::this_thread::get_id();
    }
    SaslStep result;
    try {
      result = step();
    } catch (...) {  // std::bad_alloc: the step failed
      result = SaslStep{};
      result.rc = SASL_NOMEM;
    }
    std::lock_guard<std::mutex> lock(mu_);
    result_ = std::move(result);
    done_ = true;
    cv_.notify_all();
  });
}

bool PersonStep::AskFromWorker(Kind kind, const std::string& sas, bool is_server) {
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled_ || std::this_thread::get_id() != worker_id_) {
    return false;  // never asked outside a step on the worker: "no"
  }
  question_ = kind;
  question_taken_ = false;
  sas_ = sas;
  is_server_ = is_server;
  answer_.reset();
  cv_.notify_all();
  cv_.wait(lock, [this] { return answer_.has_value() || cancelled_; });
  bool same = !cancelled_ && answer_.value_or(false);
  question_ = Kind::kNone;
  answer_.reset();
  OPENSSL_cleanse(sas_.data(), sas_.size());
  sas_.clear();
  return same;
}

void PersonStep::Reply(bool same) {
  std::lock_guard<std::mutex> lock(mu_);
  answer_ = same;
  cv_.notify_all();
}

PersonStep::Outcome PersonStep::Drive(const Ask& ask) {
  if (waiting_for_person_) {
    return Outcome::kPending;
  }
  while (true) {
    Kind kind;
    std::string sas;
    bool is_server;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!worker_.joinable()) {
        return Outcome::kCancelled;
      }
      cv_.wait(lock, [this] { return done_ || (question_ != Kind::kNone && !question_taken_); });
      if (done_) {
        lock.unlock();
        worker_.join();
        return cancelled_ ? Outcome::kCancelled : Outcome::kDone;
      }
      question_taken_ = true;
      kind = question_;
      sas = sas_;
      is_server = is_server_;
    }
    if (kind == Kind::kShow) {
      if (ask.show) {
        ask.show(sas);
      }
      if (!worker_.joinable()) {
        return Outcome::kCancelled;  // the callback closed the session
      }
      Reply(true);
      continue;
    }
    // A confirm question: the person may answer now (1 / 0) or later (pending).
    waiting_for_person_ = true;
    answered_early_ = false;
    int answer = ask.confirm ? ask.confirm(sas, is_server) : 0;
    if (!worker_.joinable()) {
      waiting_for_person_ = false;
      return Outcome::kCancelled;
    }
    if (answered_early_) {
      continue;  // Answer() was called inside the callback, then it returned pending
    }
    if (answer == 2) {
      return Outcome::kPending;
    }
    waiting_for_person_ = false;
    Reply(answer == 1);
  }
}

SaslStep PersonStep::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  SaslStep out = std::move(result_);
  result_ = SaslStep{};
  return out;
}

bool PersonStep::Answer(bool same) {
  if (!waiting_for_person_ || !worker_.joinable()) {
    return false;
  }
  waiting_for_person_ = false;
  answered_early_ = true;
  Reply(same);
  return true;
}

void PersonStep::Cancel() {
  if (!worker_.joinable()) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }
  worker_.join();
  waiting_for_person_ = false;
  std::lock_guard<std::mutex> lock(mu_);
  if (result_.out) {
    OPENSSL_cleanse(result_.out->data(), result_.out->size());
  }
  result_ = SaslStep{};
}

}  // namespace e2esasl::xmpp
