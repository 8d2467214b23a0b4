#!/usr/bin/python3
"""record.py: the figures of record from `./run bench` runs, written into docs/performance.md.

usage: record.py RUN_DIR DOC SVG

RUN_DIR holds, from one `./run bench`:
  cpu-K.json         e2esasl-bench --json, run K (1..R)
  memory.md          e2esasl-memory-bench's table (deterministic: one run)
  throughput-K.md    e2esasl-throughput-bench's table, run K
  machine.txt        nproc, CPU model, load averages before and after
DOC: docs/performance.md; the text between the lines "<!-- ./run bench: begin -->" and
"<!-- ./run bench: end -->" is replaced. SVG: the chart of CPU per authentication per side
(gnuplot). Every figure is the median over the runs of that figure, each measured in one run;
ratios are medians of each run's ratio (never a ratio of medians).
"""
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

BEGIN = "<!-- ./run bench: begin -->"
END = "<!-- ./run bench: end -->"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=1):
    return "-" if value is None else f"{value:.{digits}f}"


def markdown_rows(path):
    """The body rows of a markdown table printed by our benches, as lists of cells."""
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("|") or line.startswith("|---"):
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells and cells[0] == "mechanism":
                continue
            rows.append(cells)
    return rows


def cpu_section(runs):
    keys = []
    by_key = {}
    for run in runs:
        for row in run["rows"]:
            if not row.get("ran") or not row.get("ok"):
                continue
            key = (row["mechanism"], row["implementation"])
            if key not in by_key:
                keys.append(key)
                by_key[key] = []
            by_key[key].append(row)
    fields = ["client_us", "server_us", "client_limit_us", "client_floor_us", "server_floor_us",
              "client_over_limit", "client_over_floor", "server_over_floor", "client_over_cyrus",
              "server_over_cyrus"]
    out = ["| mechanism | implementation | client us | server us | client limit us | "
           "client floor us | server floor us | client / limit | client / floor | "
           "server / floor | client / Cyrus | server / Cyrus |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    medians = {}
    for key in keys:
        m = {f: median([r.get(f) for r in by_key[key]]) for f in fields}
        medians[key] = m
        out.append("| " + " | ".join([key[0], key[1]] + [
            fmt(m[f], 1) if f.endswith("_us") else fmt(m[f], 3) for f in fields]) + " |")
    targets = {}
    order = []
    for run in runs:
        for t in run.get("targets", []):
            if t.get("value") is None:
                continue
            key = (t["mechanism"], t["implementation"], t["target"])
            if key not in targets:
                order.append(key)
                targets[key] = []
            targets[key].append(t)
    out += ["", "| mechanism | implementation | target | median | each run |", "|---|---|---|---|---|"]
    for key in order:
        ts = targets[key]
        value = median([t["value"] for t in ts])
        verdict = "PASS" if value <= ts[0]["bound"] else "MISS"
        out.append(f"| {key[0]} | {key[1]} | {key[2]} | {value:.3f} {verdict} | "
                   + " ".join(t["verdict"] for t in ts) + " |")
    return out, medians


def throughput_section(paths):
    per = {}
    order = []
    scaling = {}
    for path in paths:
        capacity = {}
        for cells in markdown_rows(path):
            mech, store, threads = cells[0], cells[1], int(cells[2])
            values = [float(c) for c in (cells[4], cells[5], cells[6], cells[7])]
            key = (mech, store, threads)
            if key not in per:
                order.append(key)
                per[key] = []
            per[key].append(values)
            capacity[(mech, store, threads)] = values[3]
        for (mech, store, threads), cap in capacity.items():
            if threads == 2 and (mech, store, 1) in capacity and capacity[(mech, store, 1)] > 0:
                scaling.setdefault((mech, store), []).append(cap / capacity[(mech, store, 1)])
    out = ["| mechanism | store | threads | auth/s (clients on the same cores) | "
           "server CPU us/auth | waits/auth | capacity auth/s | capacity T=2 / T=1 |",
           "|---|---|---|---|---|---|---|---|"]
    for key in order:
        cols = list(zip(*per[key]))
        ratio = ""
        if key[2] == 2 and (key[0], key[1]) in scaling:
            s = median(scaling[(key[0], key[1])])
            ratio = f"{s:.2f} {'PASS' if s >= 1.8 else 'MISS'} (target >= 1.8)"
        out.append(f"| {key[0]} | {key[1]} | {key[2]} | {median(cols[0]):.0f} | "
                   f"{median(cols[1]):.0f} | {median(cols[2]):.3f} | {median(cols[3]):.0f} | "
                   f"{ratio} |")
    return out


def memory_section(path):
    out = ["| mechanism | libsasl2 connection | libsasl2 in start | ours (C++) | ours (OpenSSL) "
           "| ours total | target | left after dispose |", "|---|---|---|---|---|---|---|---|"]
    for cells in markdown_rows(path):
        if len(cells) < 7:
            out.append("| " + " | ".join(cells) + " |")
            continue
        ours = float(cells[5].split()[0])
        bound = 2048 if cells[0].startswith(("SCRAM", "CPACE")) else 4096
        verdict = "PASS" if ours <= bound else "MISS"
        out.append(f"| {cells[0]} | {cells[1]} | {cells[2]} | {cells[3]} | {cells[4]} | "
                   f"{cells[5]} | <= {bound} B {verdict} | {cells[6]} |")
    return out


def chart(medians, svg):
    """Grouped bars, log scale: per mechanism, client and server CPU of ours (through libsasl2
    with the in-memory store), Cyrus's, and the floor or limit."""
    mechs = []
    for (mech, _impl) in medians:
        if mech not in mechs and mech not in ("PLAIN", "ANONYMOUS"):
            mechs.append(mech)
    lines = []
    for mech in mechs:
        ours = medians.get((mech, "e2esasl-mem")) or medians.get((mech, "e2esasl")) or {}
        cyrus = medians.get((mech, "cyrus")) or {}
        floor_c = ours.get("client_limit_us") or ours.get("client_floor_us")
        values = [ours.get("client_us"), cyrus.get("client_us"), floor_c,
                  ours.get("server_us"), cyrus.get("server_us"), ours.get("server_floor_us")]
        lines.append(mech + " " + " ".join("NaN" if v is None else f"{v:.1f}" for v in values))
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "cpu.dat")
        with open(data, "w") as f:
            f.write("\n".join(lines) + "\n")
        script = f"""
set terminal svg size 1000,480 dynamic font 'sans,11'
set output '{svg}'
set title 'CPU per authentication (microseconds, log scale): e2esasl vs Cyrus SASL 2.1.28 vs the floor'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [5:*]
set ylabel 'us per authentication'
set xtics rotate by -25
set key outside right top vertical
set grid ytics
plot '{data}' using 2:xtic(1) title 'client: e2esasl' lc rgb '#1f77b4', \\
     '' using 3 title 'client: Cyrus' lc rgb '#ff7f0e', \\
     '' using 4 title 'client: limit / floor' lc rgb '#7f7f7f', \\
     '' using 5 title 'server: e2esasl' lc rgb '#2ca02c', \\
     '' using 6 title 'server: Cyrus' lc rgb '#d62728', \\
     '' using 7 title 'server: floor' lc rgb '#bcbd22'
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    run_dir, doc, svg = sys.argv[1:]
    cpu_runs = []
    for path in sorted(glob.glob(os.path.join(run_dir, "cpu-*.json"))):
        with open(path) as f:
            cpu_runs.append(json.load(f))
    if not cpu_runs:
        sys.exit("record.py: no cpu-*.json in " + run_dir)
    with open(os.path.join(run_dir, "machine.txt")) as f:
        machine = f.read().strip()
    cpu, medians = cpu_section(cpu_runs)
    throughput = throughput_section(sorted(glob.glob(os.path.join(run_dir, "throughput-*.md"))))
    memory = memory_section(os.path.join(run_dir, "memory.md"))
    chart(medians, svg)
    body = [BEGIN, "",
            f"Written by `./run bench` ({len(cpu_runs)} run{'s' if len(cpu_runs) != 1 else ''}; "
            "every figure the median of the runs' "
            "values, each ratio measured within one run). " + machine, "",
            f"![CPU per authentication]({os.path.basename(svg)})", "",
            "#### CPU per authentication per side", ""] + cpu + [
            "", "#### Server throughput and scaling", ""] + throughput + [
            "", "#### Memory per in-flight server exchange (1,000 at once)", ""] + memory + ["", END]
    with open(doc) as f:
        text = f.read()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + "\n".join(body) + tail
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body) + "\n"
    with open(doc, "w") as f:
        f.write(text)
    print(f"record.py: {doc} and {svg} written")


if __name__ == "__main__":
    main()
