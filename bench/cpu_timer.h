// cpu_timer.h: CpuTimer accumulates this process's CPU time (user + system, all threads) over
// the intervals between Start() and Stop(), so a peer can time its SASL calls and leave out
// the time it spends in pipe I/O and setup.
#ifndef E2ESASL_BENCH_CPU_TIMER_H_
#define E2ESASL_BENCH_CPU_TIMER_H_

#include <time.h>

#include <cstdint>

namespace e2esasl::bench {

class CpuTimer {
 public:
  void Start() { start_ns_ = Now(); }
  void Stop() { total_ns_ += Now() - start_ns_; }
  int64_t Nanos() const { return total_ns_; }
  double Micros() const { return static_cast<double>(total_ns_) / 1000.0; }

 private:
  static int64_t Now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  }
  int64_t start_ns_ = 0;
  int64_t total_ns_ = 0;
};

// Timed adds the CPU of its scope to timer, when timer is not null (warmup runs are untimed).
class Timed {
 public:
  explicit Timed(CpuTimer* timer) : timer_(timer) {
    if (timer_ != nullptr) {
      timer_->Start();
    }
  }
  ~Timed() {
    if (timer_ != nullptr) {
      timer_->Stop();
    }
  }
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;

 private:
  CpuTimer* timer_;
};

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_CPU_TIMER_H_
