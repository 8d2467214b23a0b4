#!/usr/bin/env bash
# campaign.sh: the fuzzing campaign behind `./run fuzz` (docs/fuzzing.md). Phases:
#
#   campaign.sh fuzz <fuzz-build> <out> [SECONDS]
#       every target of <fuzz-build>/tests/fuzz/targets.txt, one after the other, each with
#       libFuzzer -jobs=J -workers=J (J = E2ESASL_JOBS, default nproc) on a copy of its checked-in
#       corpus (regression seeds included). With SECONDS: each target fuzzes SECONDS. Without:
#       a parser target runs until 10^7 executions in total (-runs per job), a session target
#       E2ESASL_FUZZ_SESSION_SECONDS (default 300) seconds. Results in <out>/<name>/.
#   campaign.sh merge <fuzz-build> <out>
#       adds to tests/fuzz/corpus/<name>/ the campaign's inputs that reach coverage the
#       checked-in corpus does not (libFuzzer -merge=1, which keeps the smallest such inputs);
#       the checked-in files, regression seeds among them, stay.
#   campaign.sh coverage <cov-build> <out>
#       replays tests/fuzz/corpus/<name>/ through the coverage build's
#       fuzz_<name> (-fprofile-instr-generate -fcoverage-mapping) and measures, with llvm-cov,
#       the regions and lines covered in the target's code under test (COVERS in CMakeLists.txt).
#   campaign.sh table <out> <fuzz-build>
#       the summary table (markdown) of the last campaign in <out>.
#
# E2ESASL_FUZZ_ONLY="<name> ...": the fuzz and coverage phases run these targets only.
#
# Findings: any crash-/leak-/timeout-/oom- file in <out>/<name>/artifacts; the fuzz phase exits 1
# when there is one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jobs="${E2ESASL_JOBS:-$(nproc)}"
session_seconds="${E2ESASL_FUZZ_SESSION_SECONDS:-300}"
total_runs=10000000
llvm_suffix="${E2ESASL_LLVM_SUFFIX:--14}"

log() { printf '==> %s\n' "$*" >&2; }

# targets <build>: the manifest's lines (name|kind|args|covers).
targets() {
  local manifest="$1/tests/fuzz/targets.txt"
  if [[ ! -s $manifest ]]; then
    echo "campaign.sh: no $manifest (configure the build first)" >&2
    exit 1
  fi
  cat "$manifest"
}

phase_fuzz() {
  local build out seconds="${3:-}" name kind args covers status=0
  build="$(cd "$1" && pwd)"
  mkdir -p "$2"
  out="$(cd "$2" && pwd)"
  while IFS='|' read -r name kind args covers; do
    [[ -z ${E2ESASL_FUZZ_ONLY:-} || " $E2ESASL_FUZZ_ONLY " == *" $name "* ]] || continue
    local work="$out/$name" limit=()
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp "$here/corpus/$name/"* "$work/corpus/"
    if [[ -n $seconds ]]; then
      limit=(-max_total_time="$seconds")
    elif [[ $kind == parser ]]; then
      limit=(-runs=$(((total_runs + jobs - 1) / jobs)) -max_total_time=7200)
    else
      limit=(-max_total_time="$session_seconds")
    fi
    log "fuzzing $name ($kind, ${limit[*]}, $jobs jobs)"
    local start=$SECONDS
    # shellcheck disable=SC2086 # args: libFuzzer flags from the manifest
    (cd "$work" && nice -n 15 "$build/tests/fuzz/fuzz_$name" -jobs="$jobs" -workers="$jobs" \
      "${limit[@]}" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/" $args "$work/corpus" >"$work/run.log" 2>&1) || true
    echo $((SECONDS - start)) >"$work/seconds"
    local found
    found=$(find "$work/artifacts" -type f | wc -l)
    if ((found > 0)); then
      log "$name: $found finding(s) in $work/artifacts"
      status=1
    fi
  done < <(targets "$build")
  return "$status"
}

phase_merge() {
  local build="$1" out="$2" name kind args covers
  while IFS='|' read -r name kind args covers; do
    [[ -d $out/$name/corpus ]] || continue
    local before after
    before=$(find "$here/corpus/$name" -type f | wc -l)
    # shellcheck disable=SC2086
    nice -n 15 "$build/tests/fuzz/fuzz_$name" -merge=1 -timeout=5 -rss_limit_mb=2048 $args \
      "$here/corpus/$name" "$out/$name/corpus" >"$out/$name/merge.log" 2>&1
    after=$(find "$here/corpus/$name" -type f | wc -l)
    echo $((after - before)) >"$out/$name/merged"
    echo "$after" >"$out/$name/corpus_size"
    log "$name: $((after - before)) input(s) added to the corpus ($after in all)"
  done < <(targets "$build")
}

phase_coverage() {
  local build out="$2" name kind args covers top
  build="$(cd "$1" && pwd)"
  top="$(cd "$here/../.." && pwd)"
  while IFS='|' read -r name kind args covers; do
    [[ -z ${E2ESASL_FUZZ_ONLY:-} || " $E2ESASL_FUZZ_ONLY " == *" $name "* ]] || continue
    local work="$out/$name" sources=() f
    mkdir -p "$work"
    for f in $covers; do
      sources+=("$top/$f")
    done
    rm -f "$work"/cov.*
    LLVM_PROFILE_FILE="$work/cov.profraw" "$build/tests/fuzz/fuzz_$name" "$here/corpus/$name" \
      >"$work/cov.log" 2>&1
    "llvm-profdata$llvm_suffix" merge -sparse "$work/cov.profraw" -o "$work/cov.profdata"
    # The whole binary's summary, then only the files under test (compared as normalized paths:
    # with ccache's base directory the mapping names them relative to the build tree).
    # Shared libraries of the build tree the target loads (libe2esasl-xmpp) carry their own
    # coverage mapping: -object each.
    local objects=() lib
    for lib in $(ldd "$build/tests/fuzz/fuzz_$name" |
      awk -v b="$build/" 'index($3, b) == 1 {print $3}'); do
      objects+=(-object "$lib")
    done
    "llvm-cov$llvm_suffix" export -summary-only -instr-profile="$work/cov.profdata" \
      "$build/tests/fuzz/fuzz_$name" "${objects[@]}" >"$work/cov.json"
    python3 - "$work/cov.json" "${sources[@]}" >"$work/coverage" <<'EOF'
import json, os, sys
wanted = {os.path.normpath(p) for p in sys.argv[2:]}
files = json.load(open(sys.argv[1]))["data"][0]["files"]
seen = set()
totals = {"regions": [0, 0], "lines": [0, 0]}
for f in files:
    path = os.path.normpath(f["filename"])
    if path in wanted:
        seen.add(path)
        for kind in totals:
            totals[kind][0] += f["summary"][kind]["covered"]
            totals[kind][1] += f["summary"][kind]["count"]
missing = wanted - seen
if missing:
    sys.exit("campaign.sh coverage: not in the binary: " + ", ".join(sorted(missing)))
r, l = totals["regions"], totals["lines"]
print(f"{r[0]}/{r[1]}\t{l[0]}/{l[1]}")
EOF
    log "$name: regions, lines covered $(cat "$work/coverage")"
  done < <(targets "$build")
}

phase_table() {
  local out="$1" build="${2:-}"
  python3 - "$out" "$build" <<'EOF'
import glob, os, re, sys
out, build = sys.argv[1], sys.argv[2]
manifest = os.path.join(build, "tests/fuzz/targets.txt") if build else None
names = []
if manifest and os.path.exists(manifest):
    for line in open(manifest):
        parts = line.rstrip("\n").split("|")
        names.append((parts[0], parts[1], parts[3] if len(parts) > 3 else ""))
def read(path, default="-"):
    try:
        return open(path).read().strip()
    except OSError:
        return default
print("| target | kind | executions | seconds | libFuzzer cov | regions (llvm-cov) | "
      "lines (llvm-cov) | code under test | corpus (+added) | findings |")
print("|---|---|---:|---:|---:|---:|---:|---|---:|---:|")
total = 0
for name, kind, covers in names:
    work = os.path.join(out, name)
    if not os.path.isdir(work):
        continue  # not run (E2ESASL_FUZZ_ONLY)
    execs, cov, stopped = 0, 0, False
    for log in glob.glob(os.path.join(work, "fuzz-*.log")) or [os.path.join(work, "run.log")]:
        try:
            text = open(log, errors="replace").read()
        except OSError:
            continue
        final = [int(m) for m in re.findall(r"stat::number_of_executed_units: (\d+)", text)]
        if final:
            execs += sum(final)
            # A job ended by SIGINT/SIGTERM prints its statistics too, before its budget ran out.
            stopped = stopped or "libFuzzer: run interrupted" in text
        else:
            # A job stopped before its final statistics: its last progress line ("#N ...").
            progress = [int(m) for m in re.findall(r"(?:^|[\r\n])#(\d+)\t", text)]
            if progress:
                execs += max(progress)
                stopped = True
        found = [int(m) for m in re.findall(r"cov: (\d+)", text)]
        cov = max([cov] + found)
    total += execs
    regions, lines = (read(os.path.join(work, "coverage"), "-\t-").split("\t") + ["-"])[:2]
    findings = len(glob.glob(os.path.join(work, "artifacts", "*")))
    corpus = read(os.path.join(work, "corpus_size"))
    added = read(os.path.join(work, "merged"), "0")
    def pct(frac):
        try:
            a, b = (int(x) for x in frac.split("/"))
            return f"{frac} ({100 * a / b:.0f}%)" if b else frac
        except ValueError:
            return frac
    files = ", ".join(c.replace("plugins/", "") for c in covers.split())
    seconds = read(os.path.join(work, "seconds"))
    if stopped:
        seconds += " (stopped)"
    print(f"| `{name}` | {kind} | {execs:,} | {seconds} | {cov} | "
          f"{pct(regions)} | {pct(lines)} | {files} | {corpus} (+{added}) | {findings} |")
print(f"\nTotal executions: {total:,}")
EOF
}

case "${1:-}" in
  fuzz) shift; phase_fuzz "$@" ;;
  merge) shift; phase_merge "$@" ;;
  coverage) shift; phase_coverage "$@" ;;
  table) shift; phase_table "$@" ;;
  *) sed -n '2,22p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
