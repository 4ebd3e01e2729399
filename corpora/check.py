#!/usr/bin/env python3
"""Sanity checks for a corpus written by gen.py (standard library only).

    python3 corpora/check.py DIR [--min-per-class 3] [--size 300K]

Checks that every HAR (also inside .gz/.zip/.tar.gz and e-mail attachments)
parses as JSON and has log.entries, that archives open and every member reads,
that .json/.jsonl/.csv/.eml/.mbox parse, that ground-truth.jsonl is well
formed, that each class has at least N distinct values, that every file the
ground truth names exists, and that the ground truth holds no plaintext token
shapes. Exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import collections
import csv
import email
import email.policy
import gzip
import io
import json
import mailbox
import os
import re
import sys
import tarfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import KIND, CSV_COLS, parse_size  # noqa: E402

LEAK_PATTERNS = [
    re.compile(p) for p in (
        r"SSWS\s+00", r"\bAKIA[A-Z2-7]{16}\b", r"\bASIA[A-Z2-7]{16}\b", r"ghp_[A-Za-z0-9]{36}", r"xoxb-",
        r"sk_live_", r"AIza[0-9A-Za-z_-]{35}", r"-----BEGIN", r"eyJ[A-Za-z0-9_-]{10,}\.", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}",
        r"://[^/\s:@]+:[^/\s@]+@", r"\+\d{10,}", r"\b\d{13,19}\b")
]


# Token shapes whose every occurrence must be in the ground truth (--deep).
SHAPES = {
    "okta-ssws": re.compile(r"SSWS (00[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])"),
    "aws-access-key": re.compile(r"(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z2-7]{16})(?![A-Z0-9])"),
    "github": re.compile(r"(?<![A-Za-z0-9_])(ghp_[A-Za-z0-9]{36})(?![A-Za-z0-9])"),
    "slack-token": re.compile(r"(xoxb-[0-9]+-[0-9]+-[A-Za-z0-9]+)"),
    "stripe": re.compile(r"(?<![A-Za-z0-9])((?:sk|pk)_live_[A-Za-z0-9]+)"),
    "google-api-key": re.compile(r"(AIza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])"),
    "jwt": re.compile(r"(eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)"),
    "email": re.compile(r"(?<![A-Za-z0-9._%+:/~!*#$^-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"),
}


class Checker:
    def __init__(self, deep: bool = False):
        self.errors: list[str] = []
        self.counts = collections.Counter()
        self.paths: set[str] = set()
        self.deep = deep
        self.found: dict[str, dict[str, str]] = collections.defaultdict(dict)  # shape -> sha -> where

    def scan_json(self, path: str, doc) -> None:
        """Scan the decoded string values of a JSON document."""
        if not self.deep:
            return
        out = []

        def walk(o):
            if isinstance(o, str):
                out.append(o)
            elif isinstance(o, dict):
                for k, v in o.items():
                    walk(v)
            elif isinstance(o, list):
                for v in o:
                    walk(v)
        walk(doc)
        self.scan(path, "\n".join(out))

    def scan(self, path: str, text: str) -> None:
        if not self.deep:
            return
        import hashlib
        for shape, rx in SHAPES.items():
            for m in rx.finditer(text):
                v = m.group(1)
                h = hashlib.sha256(v.encode()).hexdigest()
                self.found[shape].setdefault(h, f"{path}: {v[:14]}...")

    def err(self, msg: str) -> None:
        self.errors.append(msg)

    # -- per format ---------------------------------------------------------
    def har(self, path: str, data: bytes) -> None:
        self.counts["har"] += 1
        try:
            text = data.decode("utf-8-sig")
            doc = json.loads(text)
            self.scan_json(path, doc)
            entries = doc["log"]["entries"]
            if not isinstance(entries, list) or not entries:
                self.err(f"{path}: log.entries empty")
            for e in entries:
                e["request"]["url"], e["response"]["content"]
                c = e["response"]["content"]
                if c.get("encoding") == "base64":
                    import base64
                    raw = base64.b64decode(c["text"], validate=True)
                    if self.deep and not c["mimeType"].startswith(("image/", "font/")):
                        self.scan(path + " (base64 body)", raw.decode("utf-8", "replace"))
        except Exception as ex:  # noqa: BLE001
            self.err(f"{path}: HAR does not parse: {ex!r}")

    def jsonfile(self, path: str, data: bytes) -> None:
        self.counts["json"] += 1
        try:
            doc = json.loads(data.decode("utf-8"))
            self.scan_json(path, doc)
            if "tickets" in doc:
                for t in doc["tickets"]:
                    for c in t["comments"]:
                        c["body"], c["html_body"], c["plain_body"]
        except Exception as ex:  # noqa: BLE001
            self.err(f"{path}: JSON does not parse: {ex!r}")

    def jsonl(self, path: str, data: bytes) -> None:
        self.counts["jsonl"] += 1
        for i, line in enumerate(data.decode("utf-8").splitlines()):
            if not line.strip():
                continue
            try:
                self.scan_json(path, json.loads(line))
            except Exception as ex:  # noqa: BLE001
                self.err(f"{path}:{i + 1}: JSONL line does not parse: {ex!r}")
                return

    def csvfile(self, path: str, data: bytes) -> None:
        self.counts["csv"] += 1
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        self.scan(path, data.decode("utf-8-sig"))
        if rows[0] != CSV_COLS:
            self.err(f"{path}: unexpected CSV header {rows[0]}")
        bad = [i for i, r in enumerate(rows) if len(r) != len(CSV_COLS)]
        if bad:
            self.err(f"{path}: {len(bad)} CSV rows with wrong column count")
        name_email_only = sum(1 for r in rows[1:] if r[2] and r[4] and not any(r[j] for j in (0, 1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)))
        self.counts["csv_rows"] += len(rows) - 1
        self.counts["csv_rows_name_email_only"] += name_email_only

    def message(self, path: str, msg) -> None:
        for part in msg.walk():
            fn = part.get_filename()
            if not fn:
                if part.get_content_maintype() == "text":
                    self.scan(path, part.get_payload(decode=True).decode("utf-8"))
                continue
            payload = part.get_payload(decode=True)
            self.dispatch(f"{path}!{fn}", payload)

    def eml(self, path: str, data: bytes) -> None:
        self.counts["eml"] += 1
        try:
            msg = email.message_from_bytes(data, policy=email.policy.compat32)
            self.scan(path + " (headers)", "\n".join(f"{k}: {v}" for k, v in msg.items()))
            if not msg.is_multipart():
                self.err(f"{path}: not multipart")
            self.message(path, msg)
        except Exception as ex:  # noqa: BLE001
            self.err(f"{path}: e-mail does not parse: {ex!r}")

    def mbox(self, path: str, fs_path: str) -> None:
        self.counts["mbox"] += 1
        try:
            mb = mailbox.mbox(fs_path, create=False)
            n = 0
            for msg in mb:
                n += 1
                self.scan(path + " (headers)", "\n".join(f"{k}: {v}" for k, v in msg.items()))
                self.message(path, msg)
            self.counts["mbox_messages"] += n
            if n < 2:
                self.err(f"{path}: only {n} messages")
        except Exception as ex:  # noqa: BLE001
            self.err(f"{path}: mbox does not parse: {ex!r}")

    def zipf(self, path: str, data: bytes) -> None:
        self.counts["zip"] += 1
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if z.testzip() is not None:
                    self.err(f"{path}: zip CRC error")
                for info in z.infolist():
                    if info.is_dir():
                        continue
                    self.dispatch(f"{path}!{info.filename}", z.read(info))
        except Exception as ex:  # noqa: BLE001
            self.err(f"{path}: zip does not open: {ex!r}")

    def tgz(self, path: str, data: bytes) -> None:
        self.counts["tar.gz"] += 1
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tf:
                for m in tf.getmembers():
                    if m.isfile():
                        self.dispatch(f"{path}!{m.name}", tf.extractfile(m).read())
        except Exception as ex:  # noqa: BLE001
            self.err(f"{path}: tar.gz does not open: {ex!r}")

    def dispatch(self, path: str, data: bytes, fs_path: str | None = None) -> None:
        self.paths.add(path)
        name = path.rsplit("!", 1)[-1]
        if name.endswith(".tar.gz"):
            self.tgz(path, data)
        elif name.endswith(".gz"):
            self.counts["gz"] += 1
            try:
                raw = gzip.decompress(data)
            except Exception as ex:  # noqa: BLE001
                self.err(f"{path}: gzip does not open: {ex!r}")
                return
            self.dispatch(f"{path}!{os.path.basename(name[:-3])}", raw)
        elif name.endswith(".zip"):
            self.zipf(path, data)
        elif name.endswith(".har"):
            self.har(path, data)
        elif name.endswith(".jsonl"):
            self.jsonl(path, data)
        elif name.endswith(".json"):
            self.jsonfile(path, data)
        elif name.endswith(".csv"):
            self.csvfile(path, data)
        elif name.endswith(".eml"):
            self.eml(path, data)
        elif name.endswith(".mbox"):
            self.mbox(path, fs_path)
        elif name.endswith(".log"):
            self.counts["log"] += 1
            self.scan(path, data.decode("utf-8"))
        else:
            self.counts["other"] += 1
            if not name.endswith(".png"):
                self.scan(path, data.decode("utf-8", "replace"))

    # -- ground truth ---------------------------------------------------------
    def truth(self, gt_path: str, min_per_class: int) -> dict:
        classes = collections.Counter()
        kinds = collections.Counter()
        missing_files = set()
        text = open(gt_path, encoding="utf-8").read()
        seen = set()
        known = set()
        for i, line in enumerate(text.splitlines()):
            try:
                d = json.loads(line)
            except Exception as ex:  # noqa: BLE001
                self.err(f"ground-truth line {i + 1}: {ex!r}")
                continue
            for k in ("kind", "class", "value_sha256", "files", "places"):
                if k not in d:
                    self.err(f"ground-truth line {i + 1}: missing {k}")
            if not re.fullmatch(r"[0-9a-f]{64}", d.get("value_sha256", "")):
                self.err(f"ground-truth line {i + 1}: bad value_sha256")
            if d["value_sha256"] in seen:
                self.err(f"ground-truth line {i + 1}: duplicate value")
            seen.add(d["value_sha256"])
            known.add(d["value_sha256"])
            known.update(d.get("alt_sha256", ()))
            if KIND.get(d["class"]) != d["kind"]:
                self.err(f"ground-truth line {i + 1}: class {d['class']} has kind {d['kind']}")
            classes[d["class"]] += 1
            kinds[d["kind"]] += 1
            for f in d["files"]:
                if f not in self.paths:
                    missing_files.add(f)
            # no plaintext: only the hash fields may hold free-form data
            stripped = dict(d)
            stripped.pop("value_sha256", None)
            stripped.pop("alt_sha256", None)
            stripped.pop("files", None)
            blob = json.dumps(stripped)
            for pat in LEAK_PATTERNS:
                if pat.search(blob):
                    self.err(f"ground-truth line {i + 1}: looks like plaintext ({pat.pattern})")
                    break
        for shape, hits in self.found.items():
            unknown = [w for h, w in hits.items() if h not in known]
            if unknown:
                self.err(f"{len(unknown)} {shape}-shaped values in the corpus are not in the ground truth, e.g. {unknown[:3]}")
        if missing_files:
            self.err(f"ground truth names {len(missing_files)} files/members that do not exist, e.g. {sorted(missing_files)[:3]}")
        for c in KIND:
            if classes[c] < min_per_class:
                self.err(f"class {c}: only {classes[c]} values (< {min_per_class})")
        return {"classes": dict(sorted(classes.items())), "kinds": dict(kinds)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--min-per-class", type=int, default=3)
    ap.add_argument("--size", type=parse_size, help="expected target size; fail if total is off by more than 10%%")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--deep", action="store_true",
                    help="also regex-scan all text for shaped tokens and e-mails and require each in the ground truth")
    a = ap.parse_args(argv)
    c = Checker(a.deep)
    total = 0
    per_ext = collections.Counter()
    for root, dirs, files in os.walk(a.dir):
        dirs.sort()
        for fn in sorted(files):
            p = os.path.join(root, fn)
            rel = os.path.relpath(p, a.dir).replace(os.sep, "/")
            size = os.path.getsize(p)
            total += size
            if rel == "ground-truth.jsonl":
                continue
            ext = ".tar.gz" if fn.endswith(".tar.gz") else (".har.gz" if fn.endswith(".har.gz") else os.path.splitext(fn)[1])
            per_ext[ext] += 1
            with open(p, "rb") as f:
                c.dispatch(rel, f.read(), fs_path=p)
    gt = os.path.join(a.dir, "ground-truth.jsonl")
    summary = {"total_bytes": total, "files_by_type": dict(sorted(per_ext.items())), "parsed": dict(c.counts)}
    if os.path.exists(gt):
        summary.update(c.truth(gt, a.min_per_class))
    else:
        c.err("ground-truth.jsonl missing")
    if a.size:
        ratio = total / a.size
        summary["size_ratio"] = round(ratio, 4)
        if abs(ratio - 1) > 0.10:
            c.err(f"total {total} bytes is {ratio:.2%} of target {a.size}")
    if a.json:
        print(json.dumps(summary, indent=2))
    else:
        for k, v in summary.items():
            print(f"{k}: {v}")
    for e in c.errors[:50]:
        print("FAIL:", e, file=sys.stderr)
    if len(c.errors) > 50:
        print(f"FAIL: ... {len(c.errors) - 50} more", file=sys.stderr)
    print("OK" if not c.errors else f"{len(c.errors)} problem(s)", file=sys.stderr)
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
