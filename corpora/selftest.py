#!/usr/bin/env python3
"""End-to-end self test of the corpus tooling (standard library only).

    python3 corpora/selftest.py [--size 300K] [--seed 1] [--keep DIR]

1. generates a corpus twice and requires byte-identical output;
2. runs check.py --deep on it (formats parse, archives open, quotas, no
   plaintext in the ground truth, every shaped token is in the ground truth);
3. runs a tiny regex "reference scanner" over the corpus, writes its findings
   in every format evaluate.py reads, scores them, and checks the scores make
   sense (shaped classes fully recalled, decoys and junk counted, precision
   below 1, unparseable input exits 2).
Exit 0 when everything holds.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check  # noqa: E402
import evaluate  # noqa: E402
import gen  # noqa: E402


def tree_digest(d: str) -> dict:
    out = {}
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for fn in sorted(files):
            p = os.path.join(root, fn)
            with open(p, "rb") as f:
                out[os.path.relpath(p, d)] = hashlib.sha256(f.read()).hexdigest()
    return out


class Collector(check.Checker):
    """check.Checker that also keeps what its regexes matched (value, path)."""

    def __init__(self):
        super().__init__(deep=True)
        self.hits = []

    def scan(self, path, text):
        for shape, rx in check.SHAPES.items():
            for m in rx.finditer(text):
                self.hits.append((shape, m.group(1), path.split(" (")[0], m.group(0)))


def run_eval(args) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        rc = evaluate.main(args)
    return rc, buf.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="300K")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="leave the corpus in this directory")
    a = ap.parse_args(argv)
    size = gen.parse_size(a.size)
    tmp = tempfile.mkdtemp(prefix="scour-corpus-")
    fails = []
    try:
        d1, d2 = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        gen.generate(d1, a.seed, size, quiet=True)
        gen.generate(d2, a.seed, size, quiet=True)
        t1, t2 = tree_digest(d1), tree_digest(d2)
        if t1 != t2:
            fails.append(f"not deterministic: {sorted(k for k in t1 if t1.get(k) != t2.get(k))[:5]}")
        print(f"determinism: {len(t1)} files identical" if t1 == t2 else "determinism: FAILED")

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            rc = check.main([d1, "--deep", "--size", a.size])
        print(f"check.py --deep: {'OK' if rc == 0 else 'FAILED'}")
        if rc:
            fails.append("check.py: " + err.getvalue().strip().replace("\n", " | ")[:600])

        # reference scanner
        col = Collector()
        for root, dirs, files in os.walk(d1):
            dirs.sort()
            for fn in sorted(files):
                if fn == "ground-truth.jsonl":
                    continue
                p = os.path.join(root, fn)
                with open(p, "rb") as f:
                    col.dispatch(os.path.relpath(p, d1), f.read(), fs_path=p)
        hits = col.hits
        hits.append(("junk", "not-a-planted-value-9f8e7d", "logs/none.log", "junk"))
        gt = os.path.join(d1, "ground-truth.jsonl")
        scour = {"findings": [{"rule": f"ref.{s}", "category": "pii" if s == "email" else "secret", "path": p,
                               "line": 1, "fingerprint": hashlib.sha256(v.encode()).hexdigest()}
                              for s, v, p, _ in hits],
                 "summary": {"findings": len(hits)}}
        gitleaks = [{"RuleID": f"ref-{s}", "Secret": (m if s == "okta-ssws" else v), "Match": m, "File": p,
                     "StartLine": 1} for s, v, p, m in hits]
        kingfisher = {"findings": [{"rule": {"id": f"kingfisher.ref.{s}", "name": s},
                                    "finding": {"snippet": v, "path": p, "line": 1, "fingerprint": "123"}}
                                   for s, v, p, _ in hits]}
        files = {}
        for name, obj in (("scour.json", scour), ("gitleaks.json", gitleaks), ("kingfisher.json", kingfisher)):
            files[name] = os.path.join(tmp, name)
            with open(files[name], "w") as f:
                json.dump(obj, f)
        files["scour.jsonl"] = os.path.join(tmp, "scour.jsonl")
        with open(files["scour.jsonl"], "w") as f:
            for x in scour["findings"]:
                f.write(json.dumps(x) + "\n")
        for fname, fmt in (("scour.json", "scour-json"), ("scour.jsonl", "scour-json"), ("gitleaks.json", "gitleaks"),
                           ("kingfisher.json", "kingfisher")):
            rc, out = run_eval(["--truth", gt, "--findings", files[fname], "--format", fmt, "--json"])
            if rc != 0:
                fails.append(f"evaluate {fmt} ({fname}) exited {rc}")
                continue
            res = json.loads(out)
            pc = res["per_class"]
            for cls in ("okta-ssws", "aws-access-key", "slack-token", "google-api-key", "github-pat", "jwt", "stripe-key"):
                c = pc[cls]
                if c["found"] != c["planted"]:
                    fails.append(f"{fmt}: {cls} recall {c['found']}/{c['planted']} (reference regex should find all)")
            if pc["github-bad-checksum"]["found"] == 0:
                fails.append(f"{fmt}: decoy github-bad-checksum not hit (the reference regex ignores checksums)")
            if not (0 < res["precision"] < 1):
                fails.append(f"{fmt}: precision {res['precision']} should be strictly between 0 and 1")
            if res["unmatched_findings"] < 1:
                fails.append(f"{fmt}: the junk finding was not reported as unmatched")
            print(f"evaluate --format {fmt:11s} {fname:15s}: {res['findings']} findings, precision "
                  f"{res['precision']:.3f}, secret recall {res['totals']['secret']['recall']:.3f}, "
                  f"pii recall {res['totals']['pii']['recall']:.3f}")
        for extra in (["--markdown"], []):
            rc, out = run_eval(["--truth", gt, "--findings", files["scour.json"]] + extra)
            if rc != 0 or "okta-ssws" not in out:
                fails.append(f"evaluate {extra or 'text'} output broken")
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            f.write("{not json\n")
        rc, _ = run_eval(["--truth", gt, "--findings", bad])
        if rc != 2:
            fails.append(f"unparseable findings exited {rc}, expected 2")
        rc, _ = run_eval(["--truth", bad, "--findings", files["scour.json"]])
        if rc != 2:
            fails.append(f"unparseable truth exited {rc}, expected 2")
        if a.keep:
            if os.path.exists(a.keep):
                shutil.rmtree(a.keep)
            shutil.copytree(d1, a.keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in fails:
        print("FAIL:", f)
    print("selftest:", "OK" if not fails else f"{len(fails)} failure(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
