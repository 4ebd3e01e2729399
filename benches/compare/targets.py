#!/usr/bin/env python3
"""Measures issue 4's targets that the side-by-side comparison does not.

    python3 benches/compare/targets.py            # after run.py (it reuses run.py's corpus and keyword list)
    python3 benches/compare/targets.py --skip-big # without the 2 GiB JSON Lines file

- plain text: scour on the corpus's logs joined into one file, at -j2 and
  -j1, against ripgrep counting lines that hold any rule keyword (hyperfine);
- a JSON Lines file of at least 2 GiB (the corpus's ticket exports repeated):
  wall, CPU, cores kept busy and peak RSS (GNU time);
- two threads against one on the whole corpus, rounds alternating;
- start-up: a scan of a one-line file (hyperfine).

Prints a markdown table with the command behind each figure. Python 3.11
standard library only; needs hyperfine, rg and /usr/bin/time (run.py
installs them). Absolute times drift on shared machines; the ratios are
measured in the same minute and are what to compare.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".bench-cache"
BIG = 2 * 1024**3


def log(msg: str) -> None:
    print(f"[targets] {msg}", file=sys.stderr, flush=True)


def rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(REPO))
    except ValueError:
        return str(p)


def hyperfine(commands: list[list[str]], warmup: int, runs: int) -> list[dict]:
    """Means and standard deviations (s) of each command, one hyperfine run.

    hyperfine runs with -i (scour exits 1 when it finds something), so each
    command is run once first and a crash (any other status) stops here.
    """
    for c in commands:
        r = subprocess.run(c, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode not in (0, 1):
            sys.exit(f"targets: {shlex.join(c)} failed (exit {r.returncode}): {r.stderr[-500:]}")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = ["hyperfine", "-N", "-i", "-w", str(warmup), "-r", str(runs), "--export-json", out.name]
        argv += [shlex.join(c) for c in commands]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        return json.loads(Path(out.name).read_text())["results"]


def gnu_time(argv: list[str]) -> dict:
    """Wall, user and system seconds and peak RSS (KiB) of one run."""
    r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M"] + argv, cwd=REPO,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"targets: {shlex.join(argv)} failed (exit {r.returncode}): {r.stderr[-500:]}")
    wall, user, sys_, rss = r.stderr.strip().splitlines()[-1].split()
    return {"wall": float(wall), "user": float(user), "sys": float(sys_), "rss_kib": int(rss)}


def build() -> Path:
    log("cargo build --release")
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    dst = CACHE / "bin/scour-targets"
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "target/release/scour", dst)
    return dst


def scan(scour: Path, threads: int, *paths: Path) -> list[str]:
    return [rel(scour), "scan", "-q", "--no-config", f"-j{threads}", "-f", "json", "-o", "/dev/null"] + [
        rel(p) for p in paths]


def plain_text(scour: Path, corpus: Path, work: Path) -> list[str]:
    logs = work / "logs.txt"
    with open(logs, "wb") as out:
        for f in sorted((corpus / "logs").glob("*.log")):
            out.write(f.read_bytes().rstrip(b"\n") + b"\n")
    keywords = CACHE / "rg-rule-keywords.txt"
    if not keywords.exists():
        sys.exit(f"targets: {rel(keywords)} is missing; run benches/compare/run.py first")
    rg = ["rg", "-c", "-a", "-i", "-F", "-f", rel(keywords), rel(logs)]
    log(f"plain text: {logs.stat().st_size / 1e6:.1f} MB")
    j2, j1, grep = hyperfine([scan(scour, 2, logs), scan(scour, 1, logs), rg], warmup=2, runs=8)
    return [
        f"| plain text within 3x of ripgrep counting lines with the rules' keywords | "
        f"{logs.stat().st_size / 1e6:.1f} MB of the corpus's logs in one file: scour {j2['mean'] * 1e3:.1f} ms "
        f"(-j2) / {j1['mean'] * 1e3:.1f} ms (-j1), `{shlex.join(rg)}` {grep['mean'] * 1e3:.1f} ms: "
        f"**{j2['mean'] / grep['mean']:.2f}x** (-j2), **{j1['mean'] / grep['mean']:.2f}x** (-j1) | "
        f"`hyperfine -N -i -w 2 -r 8` | {'yes' if j2['mean'] / grep['mean'] <= 3 else '**no**'} |"
    ]


def big_jsonl(scour: Path, corpus: Path, work: Path) -> list[str]:
    parts = sorted((corpus / "tickets").glob("*.jsonl"))
    if not parts:
        sys.exit(f"targets: no .jsonl under {rel(corpus)}/tickets")
    big = work / "big.jsonl"
    if not big.exists() or big.stat().st_size < BIG:
        log(f"writing {rel(big)} (>= 2 GiB)")
        # Each part ends its last record, so no two records run together.
        blob = b"".join(p.read_bytes().rstrip(b"\n") + b"\n" for p in parts)
        with open(big, "wb") as out:
            written = 0
            while written < BIG:
                out.write(blob)
                written += len(blob)
    size = big.stat().st_size
    log(f"2 GiB JSON Lines: {size / 1e9:.2f} GB")
    t = gnu_time(scan(scour, 2, big))
    cores = (t["user"] + t["sys"]) / t["wall"]
    ok = cores >= 1.7 and t["rss_kib"] <= 256 * 1024
    return [
        f"| 2 GiB JSONL: both cores busy, peak RSS <= 256 MiB | {size / 1e9:.2f} GB (the corpus's ticket "
        f"exports repeated): {t['wall']:.1f} s wall, {t['user'] + t['sys']:.1f} s CPU (**{cores:.2f} cores**), "
        f"**{t['rss_kib'] / 1024:.0f} MiB** peak, {size / 2**20 / t['wall']:.0f} MiB/s | "
        f"`/usr/bin/time -f '%e %U %S %M' {shlex.join(scan(scour, 2, big))}` | {'yes' if ok else '**no**'} |"
    ]


def threads(scour: Path, corpus: Path, rounds: int) -> list[str]:
    one, two = [], []
    for i in range(rounds):
        log(f"-j1 / -j2 round {i + 1} of {rounds}")
        one.append(gnu_time(scan(scour, 1, corpus))["wall"])
        two.append(gnu_time(scan(scour, 2, corpus))["wall"])
    ratio = statistics.mean(one) / statistics.mean(two)
    return [
        f"| two threads >= 1.8x one | corpus, {rounds} rounds alternating: -j1 "
        f"{' '.join(f'{x:.2f}' for x in one)} s, -j2 {' '.join(f'{x:.2f}' for x in two)} s: "
        f"**{ratio:.2f}x** on the means | `/usr/bin/time` | {'yes' if ratio >= 1.8 else '**no**'} |"
    ]


def startup(scour: Path, work: Path) -> list[str]:
    tiny = work / "tiny.txt"
    tiny.write_text("nothing to see here\n")
    (r,) = hyperfine([scan(scour, 1, tiny)], warmup=3, runs=30)
    return [
        f"| start-up <= 50 ms | {r['mean'] * 1e3:.1f} ms ± {r['stddev'] * 1e3:.1f} | "
        f"`hyperfine -N -i -w 3 -r 30 '{shlex.join(scan(scour, 1, tiny))}'` | "
        f"{'yes' if r['mean'] <= 0.05 else '**no**'} |"
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(CACHE / "corpus-7-200M"), help="corpus directory (run.py's 200M one)")
    ap.add_argument("--rounds", type=int, default=3, help="-j1/-j2 rounds (3)")
    ap.add_argument("--skip-big", action="store_true", help="leave out the 2 GiB JSON Lines file")
    a = ap.parse_args(argv)
    corpus = Path(a.corpus)
    if not corpus.is_dir():
        sys.exit(f"targets: {corpus} is not a directory; run benches/compare/run.py first")
    for tool in ("hyperfine", "rg", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"targets: {tool} not found (benches/compare/run.py installs it)")
    scour = build()
    work = CACHE / "targets"
    work.mkdir(parents=True, exist_ok=True)
    rows = ["| target | measured | how | met |", "|---|---|---|---|"]
    rows += plain_text(scour, corpus, work)
    if not a.skip_big:
        rows += big_jsonl(scour, corpus, work)
    rows += threads(scour, corpus, a.rounds)
    rows += startup(scour, work)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
