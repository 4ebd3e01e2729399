#!/usr/bin/env python3
"""Score scanner findings against a gen.py ground truth.

    python3 corpora/evaluate.py --truth DIR/ground-truth.jsonl --findings scour.json \
        [--format scour-json|gitleaks|betterleaks|kingfisher] [--markdown] [--json]

Matching is by value: a finding matches a ground-truth entry when the sha256
of the reported secret equals the entry's value_sha256 or one of its
alt_sha256 spellings (percent-encoded, "SSWS <token>", the Basic credential,
the full DB URL, ...).

scour-json   {"findings":[{"rule","category","path","line","fingerprint",...}],
             "summary":{...}} or JSON Lines with one finding per line;
             fingerprint = hex sha256 of the reported secret. Used as is.
gitleaks,    JSON report: a list of objects with "Secret" (fallbacks: "secret",
betterleaks  "Match"), "RuleID", "File", "StartLine". Run without --redact.
kingfisher   JSON ({"findings":[{"rule":{"id","name"},"finding":{"snippet",
             "path","line"}}]}) or JSON Lines of the same objects. The secret
             is taken from finding.snippet (fallbacks: finding.secret,
             finding.match, snippet, secret). Run with secrets unredacted.

Peer reports carry the raw matched text, so for them the scorer also tries a
few normalised spellings of each reported secret before giving up: trimmed of
whitespace, quotes and trailing punctuation; without an auth scheme ("Bearer ",
"SSWS ", "token "); the password inside "Basic <base64>" or "user:password";
percent-decoded; JSON-unescaped. scour's fingerprints are used exactly.

Output: recall per planted class, hits per decoy class, precision (findings
whose value is planted / all findings), and unmatched findings grouped by rule.
Exit 0 unless an input cannot be parsed (exit 2).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import hashlib
import json
import re
import sys
from urllib.parse import unquote

HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")

try:  # canonical class order for the tables; any other class sorts after, alphabetically
    from gen import SECRET_CLASSES, PII_CLASSES, DECOY_CLASSES
    CLASS_ORDER = {c: i for i, c in enumerate(SECRET_CLASSES + PII_CLASSES + DECOY_CLASSES)}
except ImportError:  # evaluate.py copied away from gen.py
    CLASS_ORDER = {}


class InputError(Exception):
    pass


def sha(v: str) -> str:
    return hashlib.sha256(v.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def load_truth(path: str):
    entries = []
    index: dict[str, int] = {}
    alts = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as ex:
        raise InputError(f"cannot read ground truth {path}: {ex.strerror}")
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                cls, kind, h = d["class"], d["kind"], d["value_sha256"].lower()
            except (ValueError, KeyError, AttributeError) as ex:
                raise InputError(f"{path}:{n}: not a ground-truth line ({ex})")
            if kind not in ("secret", "pii", "decoy"):
                raise InputError(f"{path}:{n}: unknown kind {kind!r}")
            i = len(entries)
            entries.append({"class": cls, "kind": kind, "sha": h, "files": d.get("files", []),
                            "places": d.get("places", []), "attrs": d.get("attrs") or {}})
            index[h] = i
            alts.append(d.get("alt_sha256", ()))
    # alternate spellings never shadow a primary value
    for i, al in enumerate(alts):
        for a in al:
            index.setdefault(a.lower(), i)
    if not entries:
        raise InputError(f"{path}: empty ground truth")
    return entries, index


def read_json_or_jsonl(path: str):
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8-sig").read()
    except OSError as ex:
        raise InputError(f"cannot read findings {path}: {ex.strerror}")
    except UnicodeDecodeError as ex:
        raise InputError(f"{path}: not UTF-8 ({ex})")
    s = text.strip()
    if not s:
        return []
    try:
        return json.loads(s)
    except ValueError:
        pass
    out = []
    for n, line in enumerate(s.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError as ex:
            raise InputError(f"{path}: neither JSON nor JSON Lines (line {n}: {ex})")
    return out


def as_list(doc, path: str, keys=("findings", "results", "matches", "leaks")):
    if isinstance(doc, list):
        # JSON Lines of whole reports: flatten
        if doc and all(isinstance(x, dict) and any(k in x for k in keys) and not ("rule" in x and "finding" in x)
                       for x in doc):
            out = []
            for x in doc:
                out.extend(as_list(x, path, keys))
            return out
        return doc
    if isinstance(doc, dict):
        for k in keys:
            if isinstance(doc.get(k), list):
                return doc[k]
        if doc.get("findings") is None and "summary" in doc:
            return []
        if any(k in doc for k in ("fingerprint", "rule", "Secret", "RuleID", "finding", "secret")):
            return [doc]  # a JSON Lines file with a single finding
    raise InputError(f"{path}: no list of findings found (expected a list or an object with 'findings')")


def first(d: dict, *keys):
    for k in keys:
        if isinstance(d, dict) and d.get(k) not in (None, ""):
            return d[k]
    return None


def load_findings(path: str, fmt: str):
    """Normalised findings: dicts with rule, path, line, fp (exact sha or None), secret (peer text or None)."""
    doc = read_json_or_jsonl(path)
    raw = as_list(doc, path)
    out = []
    for i, f in enumerate(raw):
        if not isinstance(f, dict):
            raise InputError(f"{path}: finding #{i + 1} is not an object")
        if fmt == "scour-json":
            fp = first(f, "fingerprint", "value_sha256", "sha256")
            secret = first(f, "secret", "value")
            if fp is not None and not (isinstance(fp, str) and HEX64.match(fp)):
                fp_s = str(fp)
                raise InputError(f"{path}: finding #{i + 1}: fingerprint {fp_s[:20]!r} is not a hex sha256")
            # A secret found in several files is one finding listing every
            # place; it counts once per file, at its first place there.
            places, seen = [], set()
            for loc in f.get("locations") or [f]:
                p = first(loc, "path", "file") or first(f, "path", "file")
                if p not in seen:
                    seen.add(p)
                    places.append((p, first(loc, "line", "start_line")))
            for p, line in places:
                out.append({"rule": str(first(f, "rule", "rule_id", "id") or "?"), "category": f.get("category"),
                            "path": p, "line": line,
                            "fp": fp.lower() if fp else None, "secret": secret if isinstance(secret, str) else None})
        elif fmt in ("gitleaks", "betterleaks"):
            secret = first(f, "Secret", "secret", "Match", "match")
            out.append({"rule": str(first(f, "RuleID", "ruleId", "rule_id", "Description") or "?"), "category": None,
                        "path": first(f, "File", "file", "SymlinkFile"), "line": first(f, "StartLine", "line"),
                        "fp": None, "secret": secret if isinstance(secret, str) else None})
        else:  # kingfisher
            fin = f.get("finding") if isinstance(f.get("finding"), dict) else f
            rule = f.get("rule")
            rid = first(rule, "id", "name") if isinstance(rule, dict) else rule
            secret = first(fin, "snippet", "secret", "match", "value") or first(f, "snippet", "secret")
            out.append({"rule": str(rid or first(f, "rule_id", "rule_name") or "?"), "category": None,
                        "path": first(fin, "path", "file") or first(f, "path"), "line": first(fin, "line", "line_num"),
                        "fp": None, "secret": secret if isinstance(secret, str) else None})
    return out


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------

SCHEMES = re.compile(r"^(?:bearer|ssws|token|basic|apikey|api-key)\s+", re.I)
PREFIX_KV = re.compile(r"^[A-Za-z0-9_.\-]{1,40}\s*[:=]\s*")


def spellings(s: str):
    """Candidate spellings of a peer-reported secret, most literal first."""
    seen = []

    def add(x):
        if x and x not in seen:
            seen.append(x)
    add(s)
    t = s.strip().strip("\"'`").rstrip(",;)]}>").strip("\"'`")
    add(t)
    for x in list(seen):
        if "\\" in x:
            try:
                add(json.loads('"' + x.replace('"', '\\"') + '"'))
            except ValueError:
                add(x.replace("\\n", "\n").replace("\\/", "/"))
    for x in list(seen):
        add(unquote(x))
    for x in list(seen):
        m = SCHEMES.match(x)
        if m:
            rest = x[m.end():].strip()
            add(rest)
            if x[:5].lower() == "basic":
                try:
                    dec = base64.b64decode(rest + "=" * (-len(rest) % 4), validate=True).decode("utf-8")
                    if ":" in dec:
                        add(dec.split(":", 1)[1])
                except (binascii.Error, UnicodeDecodeError, ValueError):
                    pass
        m = PREFIX_KV.match(x)
        if m:
            add(x[m.end():].strip().strip("\"'"))
        if "://" in x and "@" in x:
            userinfo = x.split("://", 1)[1].split("@", 1)[0]
            if ":" in userinfo:
                add(userinfo.split(":", 1)[1])
    return seen


def match(f: dict, index: dict, normalise: bool):
    if f["fp"]:
        i = index.get(f["fp"])
        if i is not None or not normalise or not f["secret"]:
            return i
    if f["secret"] is None:
        return None
    cands = spellings(f["secret"]) if normalise else [f["secret"]]
    for c in cands:
        i = index.get(sha(c))
        if i is not None:
            return i
    return None


def norm_path(p) -> str:
    return str(p).replace("\\", "/")


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

def evaluate(entries, index, findings, normalise: bool):
    found_by = collections.defaultdict(list)  # entry index -> finding indexes
    unmatched = []
    unscorable = 0
    for k, f in enumerate(findings):
        if f["fp"] is None and f["secret"] is None:
            unscorable += 1
            unmatched.append(f)
            continue
        i = match(f, index, normalise)
        if i is None:
            unmatched.append(f)
        else:
            found_by[i].append(k)
    per_class = collections.OrderedDict()
    for cls in sorted({e["class"] for e in entries}, key=lambda c: (CLASS_ORDER.get(c, 10**6), c)):
        per_class[cls] = None
    for i, e in enumerate(entries):
        c = per_class[e["class"]]
        if c is None:
            c = per_class[e["class"]] = {"kind": e["kind"], "planted": 0, "found": 0, "findings": 0,
                                         "files": 0, "files_found": 0, "rules": collections.Counter()}
        c["planted"] += 1
        c["files"] += len(e["files"])
        hits = found_by.get(i)
        if hits:
            c["found"] += 1
            c["findings"] += len(hits)
            paths = [norm_path(findings[k]["path"]) for k in hits if findings[k]["path"]]
            for fpath in e["files"]:
                if any(p == fpath or p.endswith("/" + fpath) for p in paths):
                    c["files_found"] += 1
            for k in hits:
                c["rules"][findings[k]["rule"]] += 1
    n = len(findings)
    tp = sum(len(v) for i, v in found_by.items() if entries[i]["kind"] != "decoy")
    decoy_hits = sum(len(v) for i, v in found_by.items() if entries[i]["kind"] == "decoy")
    by_rule = collections.OrderedDict()
    for f in sorted(unmatched, key=lambda f: f["rule"]):
        r = by_rule.setdefault(f["rule"], {"count": 0, "examples": []})
        r["count"] += 1
        if len(r["examples"]) < 3:
            where = f"{f['path']}:{f['line']}" if f["path"] else "?"
            r["examples"].append(where)
    by_rule = collections.OrderedDict(sorted(by_rule.items(), key=lambda kv: -kv[1]["count"]))
    totals = {}
    for kind in ("secret", "pii"):
        cs = [c for c in per_class.values() if c["kind"] == kind]
        p = sum(c["planted"] for c in cs)
        fd = sum(c["found"] for c in cs)
        totals[kind] = {"planted": p, "found": fd, "recall": fd / p if p else None}
    unique_reported = len({f["fp"] or (sha(f["secret"]) if f["secret"] else None) for f in findings} - {None})
    return {
        "findings": n, "true_positive_findings": tp, "decoy_findings": decoy_hits,
        "unmatched_findings": len(unmatched), "unscorable_findings": unscorable,
        "precision": tp / n if n else None, "unique_values_reported": unique_reported,
        "totals": totals, "per_class": per_class, "unmatched_by_rule": by_rule,
    }


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def render(res, entries, fmt: str, markdown: bool) -> str:
    out = []
    kinds = collections.Counter(e["kind"] for e in entries)
    head = (f"Ground truth: {len(entries)} values ({kinds['secret']} secret, {kinds['pii']} pii, "
            f"{kinds['decoy']} decoy). Findings: {res['findings']} ({fmt}), "
            f"{res['unique_values_reported']} distinct values.")
    any_paths = any(c["files_found"] for c in res["per_class"].values())

    def table(headers, rows):
        numeric = [bool(rows) and all(isinstance(r[i], (int, float)) or re.fullmatch(r"[-\d.%]*", str(r[i])) for r in rows)
                   for i in range(len(headers))]
        if markdown:
            lines = ["| " + " | ".join(headers) + " |",
                     "|" + "|".join("---:" if numeric[i] else "---" for i in range(len(headers))) + "|"]
            lines += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
            return "\n".join(lines)
        w = [max(len(str(x)) for x in [h] + [r[i] for r in rows]) for i, h in enumerate(headers)]
        fmt_row = lambda r: "  ".join((str(x).rjust(w[i]) if numeric[i] else str(x).ljust(w[i]))  # noqa: E731
                                      for i, x in enumerate(r)).rstrip()
        return "\n".join([fmt_row(headers), fmt_row(["-" * x for x in w])] + [fmt_row(r) for r in rows])

    out.append(("**" + head + "**") if markdown else head)
    out.append("")
    out.append("## Recall by class" if markdown else "Recall by class (planted values found at least once):")
    out.append("")
    headers = ["class", "kind", "planted", "found", "recall", "findings"]
    if any_paths:
        headers.append("file coverage")
    rows = []
    for kind in ("secret", "pii"):
        for cls, c in res["per_class"].items():
            if c["kind"] != kind:
                continue
            r = [cls, kind, c["planted"], c["found"], pct(c["found"] / c["planted"]), c["findings"]]
            if any_paths:
                r.append(pct(c["files_found"] / c["files"]) if c["files"] else "-")
            rows.append(r)
        t = res["totals"][kind]
        r = [f"all {kind}", kind, t["planted"], t["found"], pct(t["recall"]), ""]
        if any_paths:
            r.append("")
        rows.append(r)
    out.append(table(headers, rows))
    out.append("")
    out.append("## Decoys" if markdown else "Decoys (values that must not be reported):")
    out.append("")
    rows = [[cls, c["planted"], c["found"], c["findings"], ", ".join(r for r, _ in c["rules"].most_common(3))]
            for cls, c in res["per_class"].items() if c["kind"] == "decoy"]
    out.append(table(["class", "values", "values hit", "findings", "rules"], rows))
    out.append("")
    out.append("## Precision" if markdown else "Precision:")
    out.append("")
    n = res["findings"]
    lines = [f"findings on planted values: {res['true_positive_findings']} / {n} = {pct(res['precision'])}",
             f"findings on decoys: {res['decoy_findings']}",
             f"unmatched findings: {res['unmatched_findings']}"
             + (f" ({res['unscorable_findings']} without a secret or fingerprint)" if res["unscorable_findings"] else "")]
    out.extend(("- " + l) if markdown else ("  " + l) for l in lines)
    if res["unmatched_by_rule"]:
        out.append("")
        out.append("## Unmatched findings by rule" if markdown else "Unmatched findings by rule:")
        out.append("")
        rows = [[rule, r["count"], "; ".join(r["examples"])] for rule, r in list(res["unmatched_by_rule"].items())[:40]]
        out.append(table(["rule", "count", "examples"], rows))
        if len(res["unmatched_by_rule"]) > 40:
            out.append(f"... {len(res['unmatched_by_rule']) - 40} more rules")
    confusion = []
    for cls, c in res["per_class"].items():
        if c["kind"] != "decoy":
            for rule, k in c["rules"].most_common(3):
                confusion.append([cls, rule, k])
    if confusion:
        out.append("")
        out.append("## Rules that found each class" if markdown else "Rules that found each class:")
        out.append("")
        out.append(table(["class", "rule", "findings"], confusion))
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Score scanner findings against a gen.py ground truth.",
                                 epilog="Exit status: 0 after scoring, 2 if an input cannot be parsed.")
    ap.add_argument("--truth", required=True, help="ground-truth.jsonl written by gen.py")
    ap.add_argument("--findings", required=True, help="scanner report ('-' for stdin)")
    ap.add_argument("--format", default="scour-json", choices=["scour-json", "gitleaks", "betterleaks", "kingfisher"])
    ap.add_argument("--markdown", action="store_true", help="print markdown tables")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--exact", action="store_true", help="peer formats: hash the reported secret only, no normalised spellings")
    a = ap.parse_args(argv)
    try:
        entries, index = load_truth(a.truth)
        findings = load_findings(a.findings, a.format)
    except InputError as ex:
        print(f"evaluate.py: {ex}", file=sys.stderr)
        return 2
    normalise = a.format != "scour-json" and not a.exact
    res = evaluate(entries, index, findings, normalise)
    if a.format in ("gitleaks", "betterleaks") and findings and all(f["secret"] == "REDACTED" for f in findings):
        print("evaluate.py: warning: every Secret is REDACTED; rerun the scanner without --redact", file=sys.stderr)
    if a.json:
        j = dict(res)
        j["per_class"] = {k: {kk: (dict(vv) if isinstance(vv, collections.Counter) else vv) for kk, vv in v.items()}
                          for k, v in res["per_class"].items()}
        print(json.dumps(j, indent=2))
    else:
        sys.stdout.write(render(res, entries, a.format, a.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
