#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/: the starting corpus of each fuzz target.

Seeds are the bundled sample corpus (corpora/sample, generated fake
secrets only) cut to the shape each target reads, plus small hand-made
inputs for the corners: nested and damaged archives, odd MIME, config and
rule files. Deterministic; re-run after changing the sample corpus:

    python3 fuzz/seeds.py
"""
import base64
import gzip
import io
import os
import shutil
import tarfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SAMPLE = os.path.join(ROOT, "corpora", "sample")
OUT = os.path.join(HERE, "seeds")

# Index of each name in crates/scour-fuzz NAMES (the first byte of a scan
# or redact input picks the file name).
NAMES = ["input.txt", "capture.har", "ticket.json", "export.jsonl", "users.csv",
         "message.eml", "support.mbox", "dump.zip", "dump.tar", "dump.tar.gz",
         "app.log.gz", "noextension"]

# Fake tokens shaped like real ones (never valid anywhere).
FAKE = {
    "okta": "SSWS 00q8mZ3vR7tLw2KpN9bYc4HdJ6sFg1Ue5Tq3Lm8Zw2",
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqZG9lIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLW5vdC1yZWFsLWZha2UtZmFrZS1mYWtl",
    "aws": "AKIAQX4ZJ7RTEXAMPLE7",
    "pass": "password=Tr0ub4dor-fake-9",
    "email": "jane.roe@example.com",
}


def sample(rel):
    with open(os.path.join(SAMPLE, rel), "rb") as f:
        return f.read()


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def named(name, data):
    return bytes([NAMES.index(name)]) + data


def zip_of(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return buf.getvalue()


def tar_of(members, mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.GNU_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1704067200
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, mtime=0)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    text = ("user=jdoe ip=10.0.0.7 Authorization: %s\n%s aws_access_key_id=%s\n"
            "Bearer %s\ncontact %s\n" % (FAKE["okta"], FAKE["pass"], FAKE["aws"],
                                         FAKE["jwt"], FAKE["email"])).encode()
    har = sample("har/api-chrome-0001.har")
    ticket = sample("tickets/zendesk-incremental-0001.json")
    jsonl = sample("tickets/zendesk-bulk-0001.jsonl")
    csv = sample("reports/support-users-report.csv")
    eml = sample("mail/case-44736-0001.eml")
    mbox = sample("mail/support-inbox-0001.mbox")
    log = sample("logs/auth-gateway-0001.log")
    zips = [sample("archives/bulk-export-0001.zip"), sample("archives/zendesk-case-export-0001.zip")]
    tgz = sample("archives/support-bundle-0001.tar.gz")
    hargz = sample("har/okta-admin-firefox-0001.har.gz")

    # engine: bytes as they come.
    for i, data in enumerate([text, log[:8192], har[:8192], csv[:8192], eml[:8192]]):
        put("engine", "%02d" % i, data)

    # json: whole documents, a truncated one, deep nesting.
    put("json", "har", har)
    put("json", "ticket", ticket)
    put("json", "truncated-har", har[: len(har) // 2])
    put("json", "escaped", b'{"a":"\\u0042earer ' + FAKE["jwt"].encode() + b'","b":["x\\/y",1e5,null]}')
    put("json", "deep", b"[" * 200 + b"]" * 200)

    # scan: every format, the first byte naming the file.
    put("scan", "har", named("capture.har", har))
    put("scan", "json", named("ticket.json", ticket))
    put("scan", "jsonl", named("export.jsonl", jsonl[:16384]))
    put("scan", "csv", named("users.csv", csv[:16384]))
    put("scan", "eml", named("message.eml", eml))
    put("scan", "mbox", named("support.mbox", mbox))
    put("scan", "zip", named("dump.zip", zips[0]))
    put("scan", "tgz", named("dump.tar.gz", tgz))
    put("scan", "hargz", named("app.log.gz", hargz))
    put("scan", "text", named("input.txt", text))
    put("scan", "utf16", named("noextension", b"\xff\xfe" + text.decode().encode("utf-16-le")))

    # decode: encoded runs of every kind the scanner opens.
    b64 = base64.b64encode(text)
    put("decode", "base64", b"data=" + b64 + b"\n")
    put("decode", "base64url", b"state=" + base64.urlsafe_b64encode(text).rstrip(b"=") + b"&x=1")
    put("decode", "percent", b"GET /cb?next=" + text.replace(b" ", b"%20").replace(b"=", b"%3D") + b" HTTP/1.1")
    put("decode", "gzip-b64", b"blob " + base64.b64encode(gz(text)) + b"\n")
    put("decode", "zlib-b64", b"blob " + base64.b64encode(zlib.compress(text)) + b"\n")
    put("decode", "b64-of-b64", b"x " + base64.b64encode(b64) + b"\n")
    put("decode", "gzip", gz(text))

    # archive: each reader, nested, damaged.
    inner = zip_of([("notes.txt", text)])
    put("archive", "zip", zips[1])
    put("archive", "zip-stored", zip_of([("a.txt", text), ("b/", b"")], zipfile.ZIP_STORED))
    put("archive", "zip-in-zip", zip_of([("inner.zip", inner), ("x.log.gz", gz(text))]))
    put("archive", "tar", tar_of([("logs/app.log", text), ("../x", text), ("/abs/x", text)]))
    put("archive", "tgz", tgz)
    put("archive", "gz", gz(text))
    put("archive", "tar-in-gz-in-zip", zip_of([("b.tar.gz", gz(tar_of([("in.txt", text)])))]))
    put("archive", "truncated-zip", zips[0][: len(zips[0]) // 2])
    put("archive", "truncated-gz", gz(text * 4)[:60])

    # mail: first byte even = one message, odd = an mbox.
    put("mail", "eml", b"\x00" + eml)
    put("mail", "mbox", b"\x01" + mbox)
    put("mail", "multipart", b"\x00" + (
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: =?UTF-8?B?%s?=\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
        "--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "key=3D%s=\r\n tail\r\n"
        "--XX\r\nContent-Type: application/json\r\nContent-Disposition: attachment; filename*=UTF-8''t%%C3%%A9.json\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
        "--XX\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@example.com\r\nSubject: fwd\r\n\r\n%s\r\n"
        "--XX--\r\n" % (base64.b64encode("Ticket ✓".encode()).decode(), FAKE["aws"],
                        base64.encodebytes(b'{"token":"' + FAKE["jwt"].encode() + b'"}').decode(),
                        FAKE["okta"])).encode())

    # config: scour.toml (the default, and variants) and gitleaks files.
    with open(os.path.join(ROOT, "crates", "scour-config", "src", "default.toml"), "rb") as f:
        put("config", "default", f.read())
    put("config", "allow", b'[allowlist]\npaths = ["**/fixtures/**"]\nregexes = ["^EXAMPLE"]\n'
        b'stopwords = ["example"]\n[rules]\ndisable = ["pii.email"]\n[entropy]\nmin = 3.0\n'
        b'[archives]\nmax_depth = 2\nmax_ratio = 100\n')
    put("config", "gitleaks", b'title = "t"\n[[rules]]\nid = "fake-token"\ndescription = "x"\n'
        b'regex = \'\'\'(?i)fake[_-]?token\\s*[:=]\\s*([a-z0-9]{16,})\'\'\'\nsecretGroup = 1\n'
        b'entropy = 3.0\nkeywords = ["fake"]\n[[rules.allowlists]]\nstopwords = ["zzz"]\n'
        b'[allowlist]\npaths = [\'\'\'\\.md$\'\'\']\n')

    # rules: scour's own rule files.
    rules_dir = os.path.join(ROOT, "crates", "scour-rules", "rules")
    for name in ["okta.toml", "aws.toml", "fields.toml"]:
        with open(os.path.join(rules_dir, name), "rb") as f:
            put("rules", name, f.read())

    # redact: formats whose output must keep parsing.
    put("redact", "har", named("capture.har", har))
    put("redact", "json", named("ticket.json", ticket))
    put("redact", "jsonl", named("export.jsonl", jsonl[:16384]))
    put("redact", "text", named("input.txt", text + b64 + b"\n"))
    put("redact", "eml", named("message.eml", eml))
    put("redact", "zip", named("dump.zip", zips[1]))
    put("redact", "tgz", named("dump.tar.gz", tgz))


if __name__ == "__main__":
    main()
