#!/usr/bin/env python3
"""Deterministic generator of support-archive test corpora for scour.

    python3 corpora/gen.py --out DIR --seed N --size 5M

Writes HAR captures (Chrome / Firefox / Safari shapes), Zendesk-like ticket
exports (.json, .jsonl), a user-report .csv, plain logs, e-mails (.eml, .mbox)
and nested archives (.zip, zip-in-zip, .tar.gz, .har.gz) into DIR, plus
DIR/ground-truth.jsonl that lists every planted secret, piece of personal data
and decoy by the sha256 of its value (never the value itself).

Every secret is FAKE: random values in public token shapes. Python 3.11
standard library only; same seed + size gives byte-identical output (for a
given zlib build). See corpora/README.md for the classes and file formats.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as _dt
import gzip
import hashlib
import html
import io
import json
import math
import os
import quopri
import random
import re
import shutil
import sys
import tarfile
import time
import zipfile
import zlib
from urllib.parse import quote, urlencode, urlsplit, parse_qsl

# ---------------------------------------------------------------------------
# Alphabets, classes
# ---------------------------------------------------------------------------

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
B62 = DIGITS + UPPER + LOWER  # GitHub checksum alphabet order
ALNUM = UPPER + LOWER + DIGITS
B64URL = ALNUM + "-_"
B64STD = ALNUM + "+/"
HEX = "0123456789abcdef"
AWS32 = UPPER + "234567"

SECRET_CLASSES = [
    "okta-ssws", "okta-xsrf", "session-cookie", "basic-auth", "form-password",
    "saml-response", "jwt", "aws-access-key", "aws-secret-key", "github-pat",
    "slack-token", "stripe-key", "google-api-key", "private-key", "db-url-password",
    # extra classes: values the places above carry that fit none of the list
    "aws-session-token", "generic-api-key", "csrf-token", "client-secret",
    "oauth-code", "refresh-token", "attachment-token",
    # The formats issue names SAMLRequest as a sensitive parameter, and the
    # field notes list SigV4 signatures among AWS credentials.
    "saml-request", "aws-signature",
]
# The incident's user report: a Full Name column is personal data.
PII_CLASSES = ["email", "phone", "credit-card", "iban", "postal-address", "person-name"]
DECOY_CLASSES = [
    "uuid", "sha1", "sha256", "git-commit", "analytics-cookie", "placeholder",
    "binary-base64", "request-id", "trace-id", "github-bad-checksum",
    "luhn-invalid", "version", "timestamp", "oauth-state",
    "object-id", "stripe-publishable-key", "message-id",
]
KIND = {c: "secret" for c in SECRET_CLASSES}
KIND.update({c: "pii" for c in PII_CLASSES})
KIND.update({c: "decoy" for c in DECOY_CLASSES})

# Classes that must reach MIN_PER_CLASS distinct values even in tiny corpora.
MIN_PER_CLASS = 3

PLACEHOLDER_WORDS = ("example", "xxxx", "placeholder", "redacted", "changeme",
                     "dummy", "sample", "your")


def looks_placeholder(v: str) -> bool:
    """True if a random value would be mistaken for a placeholder."""
    lv = v.lower()
    for w in PLACEHOLDER_WORDS:
        if w in lv:
            return True
    run = 1
    prev = -10
    for ch in lv:
        o = ord(ch)
        if o == prev + 1:
            run += 1
            if run >= 6:
                return True
        else:
            run = 1
        prev = o
    return False


def sha256_hex(v: str) -> str:
    return hashlib.sha256(v.encode("utf-8")).hexdigest()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b62_encode(n: int, width: int = 6) -> str:
    out = []
    while n:
        n, r = divmod(n, 62)
        out.append(B62[r])
    return "".join(reversed(out)).rjust(width, "0")


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(num: str) -> bool:
    return luhn_digit(num[:-1]) == num[-1]


def iban_make(cc: str, bban: str) -> str:
    s = bban + cc + "00"
    n = int("".join(str(int(c, 36)) for c in s))
    return f"{cc}{98 - n % 97:02d}{bban}"


def iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "")
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
          "Nov", "Dec"]


def utc(ms: int) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(ms / 1000, tz=_dt.timezone.utc)


def iso(ms: int, z: bool = True) -> str:
    d = utc(ms)
    s = f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}.{ms % 1000:03d}"
    return s + ("Z" if z else "+00:00")


def rfc2822(ms: int) -> str:
    d = utc(ms)
    return (f"{DAYS[d.weekday()]}, {d.day:02d} {MONTHS[d.month - 1]} {d.year} "
            f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} +0000")


def asctime(ms: int) -> str:
    d = utc(ms)
    return (f"{DAYS[d.weekday()]} {MONTHS[d.month - 1]} {d.day:2d} "
            f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} {d.year}")


def http_date(ms: int) -> str:
    d = utc(ms)
    return (f"{DAYS[d.weekday()]}, {d.day:02d} {MONTHS[d.month - 1]} {d.year} "
            f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} GMT")


# ---------------------------------------------------------------------------
# Word lists (all invented; no real people or companies intended)
# ---------------------------------------------------------------------------

FIRST = [("Olivia", "olivia"), ("Liam", "liam"), ("José", "jose"), ("Zoë", "zoe"),
         ("Łukasz", "lukasz"), ("Søren", "soren"), ("Aoife", "aoife"), ("Björn", "bjorn"),
         ("Priya", "priya"), ("Wei", "wei"), ("Yuki", "yuki"), ("Haruto", "haruto"),
         ("Fatima", "fatima"), ("Mateo", "mateo"), ("Chloé", "chloe"), ("Noah", "noah"),
         ("Amara", "amara"), ("Tomás", "tomas"), ("Ingrid", "ingrid"), ("Kwame", "kwame"),
         ("Elena", "elena"), ("Dmitri", "dmitri"), ("Aisha", "aisha"), ("Lucas", "lucas"),
         ("Maya", "maya"), ("Rohan", "rohan"), ("Sofia", "sofia"), ("Ethan", "ethan"),
         ("Hannah", "hannah"), ("Marcus", "marcus"), ("Leila", "leila"), ("Oscar", "oscar"),
         ("Nadia", "nadia"), ("Felix", "felix"), ("Grace", "grace"), ("Hugo", "hugo"),
         ("Isla", "isla"), ("Jonas", "jonas"), ("Keiko", "keiko"), ("Luis", "luis"),
         ("Mei", "mei"), ("Nikolai", "nikolai"), ("Owen", "owen"), ("Paula", "paula"),
         ("Rafael", "rafael"), ("Sara", "sara"), ("Tariq", "tariq"), ("Uma", "uma"),
         ("Victor", "victor"), ("Wanda", "wanda"), ("Ximena", "ximena"), ("Yara", "yara"),
         ("Zane", "zane"), ("Beatriz", "beatriz"), ("Cormac", "cormac"), ("Dalia", "dalia"),
         ("Emeka", "emeka"), ("Freya", "freya"), ("Gustavo", "gustavo"), ("Helga", "helga")]
LAST = [("Müller", "muller"), ("García", "garcia"), ("O'Brien", "obrien"),
        ("Nakamura", "nakamura"), ("Kowalski", "kowalski"), ("Okafor", "okafor"),
        ("Lindqvist", "lindqvist"), ("Fernández", "fernandez"), ("Dubois", "dubois"),
        ("Rossi", "rossi"), ("Haddad", "haddad"), ("Chen", "chen"), ("Patel", "patel"),
        ("Johansson", "johansson"), ("Novak", "novak"), ("Silva", "silva"), ("Kim", "kim"),
        ("Nguyen", "nguyen"), ("Schmidt", "schmidt"), ("Moreau", "moreau"),
        ("Ivanova", "ivanova"), ("Mensah", "mensah"), ("Walsh", "walsh"), ("Bauer", "bauer"),
        ("Costa", "costa"), ("Yamamoto", "yamamoto"), ("Reyes", "reyes"), ("Sato", "sato"),
        ("Kaur", "kaur"), ("Andersen", "andersen"), ("Brennan", "brennan"),
        ("Castillo", "castillo"), ("Delgado", "delgado"), ("Eriksen", "eriksen"),
        ("Fischer", "fischer"), ("Gallagher", "gallagher"), ("Horváth", "horvath"),
        ("Iyer", "iyer"), ("Jensen", "jensen"), ("Larsen", "larsen"), ("Mahmoud", "mahmoud"),
        ("Nilsson", "nilsson"), ("Ortega", "ortega"), ("Petrov", "petrov"), ("Quinn", "quinn"),
        ("Ramos", "ramos"), ("Santos", "santos"), ("Tanaka", "tanaka"), ("Varga", "varga"),
        ("Weber", "weber"), ("Zhang", "zhang"), ("Achebe", "achebe"), ("Bianchi", "bianchi")]
CO_A = ["Northwind", "Bluefin", "Cobalt", "Quarry", "Juniper", "Harbor", "Vantage",
        "Meridian", "Ironclad", "Tidewater", "Lumen", "Sable", "Corvid", "Pinecrest",
        "Halcyon", "Brightwell", "Kestrel", "Orchard", "Granite", "Solstice", "Fennel",
        "Marrow", "Oakhurst", "Riverstone", "Copperleaf", "Driftwood", "Emberly", "Foxglove"]
CO_B = ["Labs", "Logistics", "Health", "Financial", "Systems", "Analytics", "Foods",
        "Energy", "Robotics", "Media", "Capital", "Networks", "Retail", "Bio", "Freight",
        "Insurance", "Studios", "Mobility"]
TLDS = [".com", ".io", ".co", ".net", ".ai", ".de", ".co.uk", ".fr"]
VENDOR = "Tessellate Identity"
VENDOR_DOMAIN = "tessellate-id.com"
ZD_HOST = "tessellate.zendesk.com"
TITLES = ["IT Administrator", "Identity Engineer", "Security Analyst", "DevOps Lead",
          "Systems Engineer", "Head of IT", "Platform Engineer", "Support Engineer",
          "CISO", "Help Desk Manager"]
TZS = ["America/Los_Angeles", "America/New_York", "America/Chicago", "Europe/London",
       "Europe/Berlin", "Europe/Paris", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata"]
US_AREA = ["415", "212", "646", "312", "617", "206", "303", "512", "404", "305", "702",
           "503", "612", "713", "818", "919", "971", "720", "347", "628"]
STREETS = ["Market Street", "Elm Avenue", "Harbor Way", "Mission Street", "King Street",
           "Rue de Rivoli", "Hauptstraße", "Collins Street", "Baker Lane", "Grand Boulevard"]
CITIES = [("San Francisco", "CA", "941"), ("Austin", "TX", "787"), ("Denver", "CO", "802"),
          ("Seattle", "WA", "981"), ("Boston", "MA", "021"), ("Chicago", "IL", "606")]

SENTENCES = [
    "Since the upgrade this morning our admins are stuck in a login loop.",
    "Users are redirected back to the sign-in page after entering their credentials.",
    "We captured a HAR file while reproducing the problem, attached below.",
    "The SAML assertion seems to be rejected by the service provider.",
    "Please let me know if you need anything else from our side.",
    "This is blocking about two hundred people in our Berlin office.",
    "I cleared the browser cache and tried in a private window with the same result.",
    "The error message says the request could not be verified.",
    "Our integration with the HR system stopped provisioning new accounts on Friday.",
    "We rotated the API token last week, maybe that is related?",
    "Can you check the server side logs for the request ids below?",
    "It works for users in the default group but not for contractors.",
    "I am attaching the browser console output as well.",
    "The MFA prompt never appears, the page just spins.",
    "We followed the migration guide step by step.",
    "Our security team asked us to open a ticket with high priority.",
    "The callback URL is configured exactly as in the documentation.",
    "Thanks for the quick response yesterday, unfortunately the issue is back.",
    "Attached are the logs from the connector host.",
    "We see a spike of 401 responses starting at 14:05 UTC.",
    "The export job fails halfway with a timeout.",
    "Could you escalate this to engineering?",
    "Here is the curl command I used to reproduce it.",
    "I've pasted the relevant part of our configuration.",
    "Nothing changed on our side as far as I know.",
    "Session cookies seem to expire after a few seconds.",
    "The dashboard shows the wrong time zone for some users.",
    "We need this fixed before our quarterly audit.",
    "Les utilisateurs ne peuvent plus se connecter depuis la mise à jour.",
    "Die Anmeldung schlägt seit heute früh mit einem Fehler fehl.",
    "ログイン後にエラーが表示され、管理画面に入れません。",
    "Gracias por su ayuda, quedamos atentos a su respuesta.",
]
AGENT_SENTENCES = [
    "Thanks for reaching out, I am looking into this now.",
    "Could you please send a HAR capture of the failing sign-in?",
    "Please remove any credentials before attaching files to the ticket.",
    "Engineering identified the cause and a fix is rolling out.",
    "Can you confirm whether the issue still occurs?",
    "I have escalated this case to our identity engineering team.",
    "We noticed the token in your last message; please rotate it as a precaution.",
]
LOG_MSGS = [
    "Request completed", "Cache miss for tenant config", "Refreshing JWKS",
    "Scheduled job finished", "Connection pool stats", "Health check ok",
    "Rate limit bucket refilled", "User lookup", "Rendering template",
    "Retrying upstream call", "Webhook delivered", "Queue depth",
]
WORDS = ["alpha", "bravo", "delta", "ember", "falcon", "garnet", "harbor", "iris",
         "jasper", "kilo", "lotus", "maple", "nova", "onyx", "pulsar", "quartz", "raven",
         "sierra", "tango", "umber", "violet", "willow", "yonder", "zephyr", "atlas",
         "beacon", "cinder", "drift", "echo", "fjord", "glacier", "heron", "indigo"]
JS_IDENT = ["render", "state", "props", "dispatch", "useEffect", "fetch", "then", "config",
            "module", "exports", "value", "items", "filter", "map", "reduce", "length",
            "push", "window", "document", "createElement", "appendChild", "className",
            "onClick", "handler", "payload", "response", "status", "headers", "json",
            "Promise", "resolve", "reject", "Object", "keys", "assign", "forEach", "indexOf",
            "slice", "concat", "join", "split", "trim", "navigate", "router", "route",
            "params", "component", "memo", "context", "provider", "reducer", "action",
            "error", "message", "timeout", "listener", "event", "target", "current",
            "ref", "style", "color", "width", "height", "locale", "format", "parse"]


# ---------------------------------------------------------------------------
# Records of where planted values were written
# ---------------------------------------------------------------------------

class Recs:
    """(suffix, value, place) triples collected while one document is built.

    suffix is the member path inside the document ("" for the document
    itself); nest() prefixes member names when a document is embedded in an
    archive or an e-mail."""

    __slots__ = ("g", "items")

    def __init__(self, g: "Gen"):
        self.g = g
        self.items: list[tuple[str, str, str]] = []

    def add(self, value: str, place: str, suffix: str = "") -> None:
        g = self.g
        self.items.append((suffix, value, place))
        if value not in g.recorded:
            g.recorded.add(value)
            g.counts[g.meta[value][0]] += 1
        emb = g.embedded.get(value)
        if emb:
            for v2, p2 in emb:
                self.add(v2, p2, suffix)

    def text(self, text: str, values, place: str) -> None:
        """Record each value that occurs in text, literally or in one of its
        registered spellings (percent-encoded, base64 Basic credential, ...)."""
        meta = self.g.meta
        for v in values:
            if v in text or any(a in text for a in meta[v][1]):
                self.add(v, place)

    def nest(self, member: str, inner: "Recs") -> None:
        for s, v, p in inner.items:
            self.items.append((member + ("!" + s if s else ""), v, p))


class Truth:
    def __init__(self, g: "Gen"):
        self.g = g
        self.entries: dict[str, list] = {}  # value -> [files dict, places dict]
        self.bytes = 0  # running estimate of the ground-truth file size

    def commit(self, path: str, recs: Recs) -> None:
        meta = self.g.meta
        for s, v, p in recs.items:
            f = path + ("!" + s if s else "")
            e = self.entries.get(v)
            if e is None:
                e = self.entries[v] = [{}, {}]
                m = meta[v]
                self.bytes += 125 + len(m[0]) + 67 * len(m[1]) + (60 if m[2] else 0)
            if f not in e[0]:
                e[0][f] = None
                self.bytes += len(f) + 3
            if p not in e[1]:
                e[1][p] = None
                self.bytes += len(p) + 3

    def est_size(self) -> int:
        return self.bytes

    def lines(self):
        meta = self.g.meta
        for v, (files, places) in self.entries.items():
            cls, alts, attrs = meta[v]
            d = {"kind": KIND[cls], "class": cls, "value_sha256": sha256_hex(v),
                 "files": list(files), "places": list(places)}
            if alts:
                d["alt_sha256"] = [sha256_hex(a) for a in alts]
            if attrs:
                d["attrs"] = attrs
            yield json.dumps(d, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------------------
# People and companies
# ---------------------------------------------------------------------------

class Company:
    __slots__ = ("name", "slug", "domain", "okta", "admin")


class Person:
    __slots__ = ("first", "last", "name", "email", "phone", "company", "title", "tz",
                 "address", "username", "uid")


# ---------------------------------------------------------------------------
# The generator state: rng, registries, value factories
# ---------------------------------------------------------------------------

class Gen:
    def __init__(self, seed: int, target: int):
        self.rng = random.Random(seed)
        self.target = target
        self.small = target < 4 * 1024 * 1024
        self.meta: dict[str, tuple] = {}       # value -> (class, alts, attrs)
        self.embedded: dict[str, list] = {}    # value -> [(inner value, place)]
        self.recorded: set[str] = set()
        self.counts: dict[str, int] = {c: 0 for c in KIND}
        self.pool: dict[str, list] = {}
        self.companies: list[Company] = []
        self.people: list[Person] = []
        self.people_cap = max(30, min(4000, target // 40000))
        self.company_cap = max(8, min(300, target // 400000))
        self.base_ms = 1693526400000 + self.rng.randrange(0, 60 * 86400) * 1000  # Sep 2023+
        self.ticket_id = 40000 + self.rng.randrange(0, 5000)
        self.truth = Truth(self)
        self.features: dict[str, int] = {}  # HAR shapes written so far (small corpora show each one)
        self._build_pools()

    # -- basic randomness ---------------------------------------------------
    def tok(self, alphabet: str, n: int, prefix: str = "", suffix: str = "") -> str:
        ch = self.rng.choices
        for _ in range(1000):
            v = prefix + "".join(ch(alphabet, k=n)) + suffix
            if not looks_placeholder(v):
                return v
        raise RuntimeError(f"cannot make a non-placeholder token with prefix {prefix!r}")

    def hexs(self, n: int) -> str:
        return self.rng.randbytes((n + 1) // 2).hex()[:n]

    def digits(self, n: int) -> str:
        return "".join(self.rng.choices(DIGITS, k=n))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def need(self, cls: str) -> int:
        return max(0, MIN_PER_CLASS - self.counts[cls])

    def capture_ms(self) -> int:
        return self.base_ms + self.rng.randrange(0, 420 * 86400) * 1000 + self.rng.randrange(0, 86400000)

    # -- registry -------------------------------------------------------------
    def reg(self, cls: str, v: str, alts=(), attrs=None, auto_alts: bool = True) -> str:
        if v in self.meta:
            return v
        al = list(alts)
        q = quote(v, safe="") if auto_alts else v
        if q != v:
            al.append(q)
        if auto_alts and "\n" in v:
            al.append(v.replace("\n", "\\n"))
            al.append(v.replace("\n", "\r\n"))
        self.meta[v] = (cls, tuple(dict.fromkeys(a for a in al if a != v)), attrs)
        return v

    def reuse(self, cls: str, p: float = 0.12):
        pl = self.pool.get(cls)
        if pl and self.rng.random() < p:
            return pl[self.rng.randrange(len(pl))]
        return None

    def keep(self, cls: str, v) -> None:
        pl = self.pool.setdefault(cls, [])
        if len(pl) < 200:
            pl.append(v)

    # -- people ---------------------------------------------------------------
    def company(self) -> Company:
        if self.companies and (len(self.companies) >= self.company_cap or self.chance(0.6)):
            return self.pick(self.companies)
        while True:
            a, b = self.pick(CO_A), self.pick(CO_B)
            slug = (a + b).lower()
            if not any(c.slug == slug for c in self.companies):
                break
            if len(self.companies) > 300:
                break
        c = Company()
        c.name = f"{a} {b}"
        c.slug = slug
        c.domain = (slug if self.chance(0.7) else f"{a.lower()}-{b.lower()}") + self.pick(TLDS)
        c.okta = f"{slug}.{'oktapreview' if self.chance(0.15) else 'okta'}.com"
        c.admin = c.okta.replace(".okta", "-admin.okta", 1)
        self.companies.append(c)
        return c

    def phone(self, intl_bias: float = 0.5) -> str:
        r = self.rng
        while True:
            k = r.randrange(10)
            if k < 6:
                area = self.pick(US_AREA)
                line = f"01{r.randrange(100):02d}"
                fmt = r.randrange(4)
                v = [f"+1{area}555{line}", f"({area}) 555-{line}", f"{area}-555-{line}",
                     f"+1 {area}-555-{line}"][fmt]
                e164 = f"+1{area}555{line}"
            elif k < 8:
                tail = f"{r.randrange(1000):03d}"
                if r.random() < 0.5:
                    v = self.pick([f"+44 20 7946 0{tail}", f"020 7946 0{tail}", f"+442079460{tail}"])
                    e164 = f"+442079460{tail}"
                else:
                    v = self.pick([f"+44 7700 900{tail}", f"07700 900{tail}", f"+447700900{tail}"])
                    e164 = f"+447700900{tail}"
            else:
                tail = f"{r.randrange(100, 160):03d}"
                v = self.pick([f"+61 491 570 {tail}", f"0491 570 {tail}", f"+61491570{tail}"])
                e164 = f"+61491570{tail}"
            if not looks_placeholder(v) and v not in self.meta:
                return self.reg("phone", v, alts=(e164,))
            if r.random() < 0.3 and v in self.meta and self.meta[v][0] == "phone":
                return v

    def address(self) -> str:
        r = self.rng
        city, st, z = self.pick(CITIES)
        while True:
            v = f"{r.randrange(10, 9900)} {self.pick(STREETS)}, Suite {r.randrange(100, 990)}, {city}, {st} {z}{r.randrange(10, 99)}"
            if not looks_placeholder(v):
                return self.reg("postal-address", v)

    def person(self, new: bool = False) -> Person:
        if not new and self.people and (len(self.people) >= self.people_cap or self.chance(0.55)):
            return self.pick(self.people)
        r = self.rng
        co = self.company()
        (fn, fa), (ln, la) = self.pick(FIRST), self.pick(LAST)
        for _ in range(20):
            style = r.randrange(5)
            local = [f"{fa}.{la}", f"{fa[0]}{la}", f"{fa}_{la}", f"{fa}.{la}{r.randrange(2, 99)}",
                     f"{fa}.{la}+support"][style]
            email = f"{local}@{co.domain}"
            if email not in self.meta and not looks_placeholder(email):
                break
        p = Person()
        p.first, p.last, p.name = fn, ln, f"{fn} {ln}"
        p.email = self.reg("email", email)
        p.phone = self.phone()
        p.company = co
        p.title = self.pick(TITLES)
        p.tz = self.pick(TZS)
        p.address = None
        p.username = email
        p.uid = self.oid("00u")
        self.people.append(p)
        return p

    # -- secrets --------------------------------------------------------------
    def ssws(self) -> str:
        v = self.reuse("okta-ssws")
        if v:
            return v
        v = self.tok(B64URL, 40, "00")
        self.keep("okta-ssws", v)
        return self.reg("okta-ssws", v, alts=("SSWS " + v,))

    def xsrf(self) -> str:
        return self.reg("okta-xsrf", self.tok(B64URL, self.pick([27, 32, 43])))

    COOKIE_SHAPES = {
        "sid": lambda g: g.tok(ALNUM, g.rng.randrange(22, 30), "102"),
        "idx": lambda g: g.tok(B64URL, g.rng.randrange(60, 120)),
        "DT": lambda g: g.tok(B64URL, 22, "DI1"),
        "JSESSIONID": lambda g: g.tok("0123456789ABCDEF", 32),
        "PHPSESSID": lambda g: g.tok(LOWER + DIGITS, 26),
        "connect.sid": lambda g: "s%3A" + g.tok(B64URL, 32) + "." + g.tok(ALNUM + "+/", 43),
        "ESTSAUTHPERSISTENT": lambda g: g.tok(B64URL, g.rng.randrange(180, 260), "0.A"),
        "ESTSAUTH": lambda g: g.tok(B64URL, g.rng.randrange(120, 160), "1.A"),
        "__Secure-1PSID": lambda g: g.tok(B64URL, 66, "g.a000") + "0076",
        "SAPISID": lambda g: g.tok(B64URL, 16) + "/" + g.tok(B64URL, 17),
        "user_session": lambda g: g.tok(B64URL, 48),
    }

    def cookie(self, name: str) -> str:
        v = self.COOKIE_SHAPES[name](self)
        while looks_placeholder(v):
            v = self.COOKIE_SHAPES[name](self)
        return self.reg("session-cookie", v, attrs={"cookie": name})

    def password(self, url_safe: bool = False) -> str:
        r = self.rng
        while True:
            if r.random() < 0.4:
                w = [self.pick(WORDS).capitalize() for _ in range(2)]
                v = f"{w[0]}{self.pick(['-', '.', '', '_'])}{w[1]}{r.randrange(10, 9999)}{self.pick(['!', '#', '*', '$', ''])}"
                if url_safe:
                    v = v.rstrip("!#*$")
            else:
                extra = "-_.~" if url_safe else "!#%*-_.~$^+"
                v = "".join(r.choices(ALNUM + extra, k=r.randrange(12, 22)))
            if len(v) >= 10 and not looks_placeholder(v) and v not in self.meta:
                return v

    def basic(self, user: str | None = None):
        user = user or self.pick(["svc-deploy", "ci-bot", "admin", "jenkins", "monitor",
                                  "integration", "backup"]) + str(self.rng.randrange(1, 40))
        pw = self.password()
        cred = b64(f"{user}:{pw}".encode())
        self.reg("basic-auth", pw, alts=(cred, f"{user}:{pw}"), attrs={"scheme": "Basic"})
        return user, pw, cred

    def form_password(self) -> str:
        return self.reg("form-password", self.password())

    def jwt(self, iss: str, person: Person | None = None, kind: str = "access") -> str:
        for _ in range(200):
            v = self._jwt(iss, person, kind)
            if v:
                return v
        raise RuntimeError("cannot make a JWT without placeholder-looking substrings")

    def _jwt(self, iss: str, person: Person | None, kind: str):
        r = self.rng
        now = self.capture_ms() // 1000
        expired = r.random() < 0.35
        if expired:
            iat = now - r.randrange(7200, 30 * 86400)
            exp = iat + self.pick([300, 3600, 7200])
        else:
            iat = now - r.randrange(10, 600)
            exp = 1956528000 + r.randrange(0, 5 * 365 * 86400)  # 2032..2037
        alg = "RS256" if kind in ("access", "id") or r.random() < 0.5 else "HS256"
        header = {"kid": self.tok(B64URL, 43), "alg": alg} if alg == "RS256" else {"alg": alg, "typ": "JWT"}
        uid = person.uid if person else self.oid("00u")
        cid = self.oid("0oa")
        if kind == "access":
            payload = {"ver": 1, "jti": "AT." + self.tok(B64URL, r.randrange(40, 47)), "iss": iss, "aud": "api://default",
                       "iat": iat, "exp": exp, "cid": cid, "uid": uid,
                       "scp": ["openid", "profile", "email", "offline_access"], "auth_time": iat - 4,
                       "sub": person.email if person else uid}
        elif kind == "id":
            payload = {"sub": uid, "name": person.name if person else "Service", "ver": 1, "iss": iss,
                       "aud": cid, "iat": iat, "exp": exp, "jti": "ID." + self.tok(B64URL, r.randrange(40, 47)),
                       "amr": ["pwd", "mfa", "otp"], "idp": self.oid("00o"), "nonce": self.tok(B64URL, 22),
                       "auth_time": iat - 4, "at_hash": self.tok(B64URL, 22)}
            if person:
                payload["email"] = person.email
                payload["preferred_username"] = person.email
        else:
            payload = {"sub": uid, "role": self.pick(["admin", "member", "support"]),
                       "tenant": self.tok(DIGITS, r.randrange(5, 9)), "iat": iat, "exp": exp}
            if person and r.random() < 0.5:
                payload["email"] = person.email
        hp = b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + \
            b64url(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
        if looks_placeholder(hp):
            return None
        while True:
            sig = b64url(r.randbytes(256 if alg == "RS256" else 32))
            v = hp + "." + sig
            if not looks_placeholder(v):
                break
        self.reg("jwt", v, alts=("Bearer " + v,), attrs={"expired": expired, "alg": alg, "exp": exp})
        if person and (kind == "id" or payload.get("email") or kind == "access"):
            self.embedded[v] = [(person.email, "encoded:jwt-payload")]
        return v

    def saml(self, person: Person, sp: str, idp: str):
        r = self.rng
        t = iso(self.capture_ms())
        rid = "_" + self.hexs(32)
        nameid = person.email
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" '
               f'Destination="https://{sp}/sso/saml/acs" ID="id{self.digits(20)}" InResponseTo="{rid}" IssueInstant="{t}" Version="2.0">'
               f'<saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">http://www.okta.com/exk{self.tok(ALNUM, 17)}</saml2:Issuer>'
               f'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
               f'<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#id{self.digits(20)}">'
               f'<ds:DigestValue>{b64(r.randbytes(32))}</ds:DigestValue></ds:Reference></ds:SignedInfo>'
               f'<ds:SignatureValue>{b64(r.randbytes(256))}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
               f'{b64(r.randbytes(r.randrange(250, 400) if self.small else r.randrange(700, 1000)))}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>'
               f'<saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>'
               f'<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="id{self.digits(22)}" IssueInstant="{t}" Version="2.0">'
               f'<saml2:Issuer>http://www.okta.com/exk{self.tok(ALNUM, 17)}</saml2:Issuer><saml2:Subject>'
               f'<saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{nameid}</saml2:NameID>'
               f'<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData InResponseTo="{rid}" '
               f'NotOnOrAfter="{t}" Recipient="https://{sp}/sso/saml/acs"/></saml2:SubjectConfirmation></saml2:Subject>'
               f'<saml2:AttributeStatement><saml2:Attribute Name="groups"><saml2:AttributeValue>Everyone</saml2:AttributeValue>'
               f'<saml2:AttributeValue>{self.pick(["Admins", "Engineering", "Finance", "Support"])}</saml2:AttributeValue></saml2:Attribute>'
               f'</saml2:AttributeStatement></saml2:Assertion></saml2p:Response>')
        v = b64(xml.encode())
        if looks_placeholder(v):
            return self.saml(person, sp, idp)
        self.reg("saml-response", v)
        self.embedded[v] = [(person.email, "encoded:saml-assertion")]
        return v

    def saml_logout(self, person: Person, sp: str, idp: str) -> str:
        xml = (f'<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="id{self.digits(20)}" '
               f'Version="2.0" IssueInstant="{iso(self.capture_ms())}" Destination="https://{sp}/sso/saml/slo" '
               f'InResponseTo="_{self.hexs(32)}"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">'
               f'http://www.okta.com/exk{self.tok(ALNUM, 17)}</saml:Issuer><samlp:Status><samlp:StatusCode '
               f'Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>')
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        v = b64(c.compress(xml.encode()) + c.flush())
        return self.reg("saml-response", v, attrs={"binding": "redirect", "deflated": True})

    def saml_request(self, sp: str) -> str:
        xml = (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_{self.hexs(32)}" '
               f'Version="2.0" IssueInstant="{iso(self.capture_ms())}" AssertionConsumerServiceURL="https://{sp}/sso/saml/acs">'
               f'<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://{sp}/metadata</saml:Issuer></samlp:AuthnRequest>')
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        raw = c.compress(xml.encode()) + c.flush()
        return self.reg("saml-request", b64(raw))

    def aws_key(self, temp: bool = False) -> str:
        v = self.reuse("aws-access-key") if not temp else None
        if v:
            return v
        v = self.tok(AWS32, 16, "ASIA" if temp else "AKIA")
        if not temp:
            self.keep("aws-access-key", v)
        return self.reg("aws-access-key", v)

    def aws_secret(self) -> str:
        return self.reg("aws-secret-key", self.tok(ALNUM + "+/", 40))

    def aws_session(self) -> str:
        return self.reg("aws-session-token",
                        "IQoJb3JpZ2luX2Vj" + self.tok(ALNUM + "+/", self.rng.randrange(300, 700)) + "=")

    def gh_pat(self) -> str:
        v = self.reuse("github-pat")
        if v:
            return v
        while True:
            body = self.tok(B62, 30)
            v = "ghp_" + body + b62_encode(zlib.crc32(body.encode()))
            if not looks_placeholder(v):
                break
        self.keep("github-pat", v)
        return self.reg("github-pat", v)

    def gh_bad(self) -> str:
        body = self.tok(B62, 30)
        good = b62_encode(zlib.crc32(body.encode()))
        while True:
            bad = self.tok(B62, 6)
            if bad != good:
                return self.reg("github-bad-checksum", "ghp_" + body + bad)

    def slack(self) -> str:
        v = self.reuse("slack-token")
        if v:
            return v
        while True:
            pre = f"xoxb-{self.digits(11)}-{self.digits(13)}-"
            if not looks_placeholder(pre):
                break
        v = self.tok(ALNUM, 24, pre)
        self.keep("slack-token", v)
        return self.reg("slack-token", v)

    def stripe(self) -> str:
        v = self.reuse("stripe-key")
        if v:
            return v
        v = self.tok(B62, 24, "sk_live_") if self.chance(0.5) else self.tok(B62, 97, "sk_live_51")
        self.keep("stripe-key", v)
        return self.reg("stripe-key", v)

    def stripe_pk(self) -> str:
        return self.reg("stripe-publishable-key", self.tok(B62, 97, "pk_live_51"))

    def gapi(self) -> str:
        v = self.reuse("google-api-key")
        if v:
            return v
        v = self.tok(B64URL, 33, "AIzaSy")
        self.keep("google-api-key", v)
        return self.reg("google-api-key", v)

    def pem(self) -> str:
        v = self.reuse("private-key", 0.2)
        if v:
            return v
        while True:
            der = bytes([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00]) + \
                self.rng.randbytes(1180)
            body = b64(der)
            if not looks_placeholder(body):
                break
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        v = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----"
        self.keep("private-key", v)
        return self.reg("private-key", v)

    def db_url(self, co: Company):
        r = self.rng
        scheme = self.pick(["postgres", "postgres", "postgres", "postgresql", "mysql",
                            "mongodb+srv", "redis", "amqp"])
        user = self.pick(["app", "svc_billing", "reporting", "etl_user", "django", "api_rw",
                          "analytics_ro", "root"])
        pw = self.password(url_safe=True)
        host = self.pick([f"db-prod-{r.randrange(1, 9)}.{co.domain}",
                          f"{co.slug}-prod.c{self.tok(LOWER + DIGITS, 10)}.us-east-1.rds.amazonaws.com",
                          f"pg-{self.pick(WORDS)}.internal", f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"])
        port = {"postgres": 5432, "postgresql": 5432, "mysql": 3306, "mongodb+srv": None,
                "redis": 6379, "amqp": 5672}[scheme]
        db = self.pick(["billing", "app_production", "core", "events", "crm", "0"])
        url = f"{scheme}://{user}:{pw}@{host}{':' + str(port) if port else ''}/{db}"
        if scheme.startswith("postgres") and r.random() < 0.3:
            url += "?sslmode=require"
        self.reg("db-url-password", pw, alts=(url,), attrs={"scheme": scheme})
        return url, pw

    def generic_key(self) -> str:
        return self.reg("generic-api-key", self.tok(ALNUM, self.pick([32, 36, 40])))

    def csrf(self) -> str:
        return self.reg("csrf-token", self.tok(B64URL, self.pick([43, 64, 86])))

    def client_secret(self) -> str:
        return self.reg("client-secret", self.tok(B64URL, 40))

    def code(self) -> str:
        return self.reg("oauth-code", self.tok(B64URL, 43))

    def refresh(self) -> str:
        return self.reg("refresh-token", self.tok(B64URL, 43))

    def att_token(self) -> str:
        return self.reg("attachment-token", self.tok(ALNUM, 25))

    # -- PII ------------------------------------------------------------------
    def card(self) -> str:
        r = self.rng
        while True:
            k = r.randrange(3)
            if k == 0:
                body = "4" + self.digits(14)
            elif k == 1:
                body = str(r.randrange(51, 56)) + self.digits(13)
            else:
                body = self.pick(["34", "37"]) + self.digits(12)
            num = body + luhn_digit(body)
            if looks_placeholder(num) or num in self.meta:
                continue
            fmt = r.randrange(3)
            if len(num) == 16 and fmt == 1:
                v = " ".join(num[i:i + 4] for i in range(0, 16, 4))
            elif len(num) == 16 and fmt == 2:
                v = "-".join(num[i:i + 4] for i in range(0, 16, 4))
            elif len(num) == 15 and fmt:
                v = f"{num[:4]} {num[4:10]} {num[10:]}"
            else:
                v = num
            return self.reg("credit-card", v, alts=(num,))

    def bad_card(self) -> str:
        while True:
            body = "4" + self.digits(14)
            d = (int(luhn_digit(body)) + 1 + self.rng.randrange(9)) % 10
            num = body + str(d)
            if not luhn_ok(num) and not looks_placeholder(num):
                return self.reg("luhn-invalid", num)

    def iban(self) -> str:
        r = self.rng
        while True:
            cc = self.pick(["DE", "GB", "NL", "FR", "ES"])
            if cc == "DE":
                bban = self.digits(18)
            elif cc == "GB":
                bban = self.pick(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + self.digits(14)
            elif cc == "NL":
                bban = self.pick(["ABNA", "INGB", "RABO", "TRIO"]) + self.digits(10)
            elif cc == "FR":
                bban = self.digits(23)
            else:
                bban = self.digits(20)
            v = iban_make(cc, bban)
            assert iban_ok(v)
            if looks_placeholder(v):
                continue
            if r.random() < 0.5:
                shown = " ".join(v[i:i + 4] for i in range(0, len(v), 4))
            else:
                shown = v
            return self.reg("iban", shown, alts=(v,))

    # -- decoys ---------------------------------------------------------------
    def _uuid(self) -> str:
        b = bytearray(self.rng.randbytes(16))
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        h = b.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def uuid(self) -> str:
        return self.reg("uuid", self._uuid())

    def reqid(self) -> str:
        k = self.rng.randrange(3)
        if k == 0:
            return self.reg("request-id", self._uuid())
        if k == 1:
            return self.reg("request-id", self.tok(B64URL, 27, "Z" + self.pick(UPPER)))
        return self.reg("request-id", self.hexs(32))

    def traceid(self) -> str:
        k = self.rng.randrange(3)
        if k == 0:
            return self.reg("trace-id", f"00-{self.hexs(32)}-{self.hexs(16)}-01")
        if k == 1:
            return self.reg("trace-id", f"Root=1-{self.hexs(8)}-{self.hexs(24)}")
        return self.reg("trace-id", self.hexs(32))

    def sha1(self) -> str:
        return self.reg("sha1", hashlib.sha1(self.rng.randbytes(20)).hexdigest())

    def sha256(self) -> str:
        return self.reg("sha256", hashlib.sha256(self.rng.randbytes(20)).hexdigest())

    def commit(self) -> str:
        return self.reg("git-commit", hashlib.sha1(self.rng.randbytes(20)).hexdigest())

    def oid(self, prefix: str) -> str:
        return self.reg("object-id", self.tok(ALNUM, 17, prefix))

    def state(self) -> str:
        return self.reg("oauth-state", self.tok(B64URL, self.pick([22, 32, 43])))

    def version(self) -> str:
        r = self.rng
        v = self.pick([f"{r.randrange(1, 20)}.{r.randrange(0, 40)}.{r.randrange(0, 30)}",
                       f"v{r.randrange(1, 5)}.{r.randrange(0, 120)}.{r.randrange(0, 10)}",
                       f"{2023 + r.randrange(3)}.{r.randrange(1, 13):02d}.{r.randrange(0, 9)}",
                       f"{r.randrange(100, 131)}.0.{r.randrange(5000, 6999)}.{r.randrange(10, 200)}"])
        return self.reg("version", v)

    def epoch_ms(self) -> str:
        return self.reg("timestamp", str(self.capture_ms()))

    PLACEHOLDERS = [
        ("your-token-here", "token"), ("xxxxxxxxxxxxxxxxxxxxxxxx", "token"),
        ("AKIAIOSFODNN7EXAMPLE", "aws"), ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret"),
        ("********", "password"), ("${API_TOKEN}", "token"), ("<YOUR_API_KEY>", "token"),
        ("changeme", "password"), ("REDACTED", "token"), ("${OKTA_API_TOKEN}", "ssws"),
        ("00xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "ssws"), ("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "token"),
        ("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "token"), ("{{password}}", "password"),
        ("dummy-password", "password"), ("[REDACTED]", "token"),
    ]

    def placeholder(self, kind: str | None = None) -> str:
        opts = [p for p, k in self.PLACEHOLDERS if kind is None or k == kind] or [p for p, _ in self.PLACEHOLDERS]
        return self.reg("placeholder", self.pick(opts))

    def analytics(self):
        """(name, value) of a tracking / consent / preference cookie."""
        r = self.rng
        t = self.capture_ms() // 1000
        k = r.randrange(6)
        if k == 0:
            n, v = "_ga", f"GA1.1.{r.randrange(10**8, 10**10)}.{t}"
        elif k == 1:
            n, v = "_gid", f"GA1.2.{r.randrange(10**8, 10**10)}.{t}"
        elif k == 2:
            n, v = "_fbp", f"fb.1.{t}{r.randrange(100, 999)}.{r.randrange(10**8, 10**10)}"
        elif k == 3:
            n = "OptanonConsent"
            v = (f"isGpcEnabled=0&datestamp={quote(http_date(t * 1000))}&version=202{r.randrange(3, 5)}.{r.randrange(1, 12)}.0"
                 f"&isIABGlobal=false&hosts=&consentId={self.uuid()}&interactionCount=1&landingPath=NotLandingPage"
                 f"&groups=C0001%3A1%2CC0002%3A{r.randrange(2)}%2CC0003%3A1%2CC0004%3A0")
        elif k == 4:
            n, v = "theme", self.pick(["dark", "light", "system"])
        else:
            n, v = "lang", self.pick(["en-US", "de-DE", "fr-FR", "ja-JP", "en-GB"])
        return n, self.reg("analytics-cookie", v, attrs={"cookie": n})

    # -- bulk filler pools ------------------------------------------------------
    def _build_pools(self):
        r = self.rng
        parts = []
        total = 0
        ids = JS_IDENT
        while total < 300_000:
            a, b, c, d = (self.pick(ids) for _ in range(4))
            n = r.randrange(0, 999)
            k = r.randrange(8)
            s = [f"function {a}{n}({b},{c}){{return {b}.{d}({c})}}",
                 f"var {a}={b}.{c}||{{}};",
                 f"{a}.prototype.{b}=function({c}){{this.{d}={c};return this}};",
                 f"if({a}&&{a}.{b}){{{c}({a}.{b},{n})}}",
                 f'{a}["{b}"]="{c}-{d}";',
                 f"case {n}:return {a}.{b}({c});",
                 f"const {a}{n}=({b})=>{b}.{c}.{d}===\"{self.pick(WORDS)}\";",
                 f"/*! {self.pick(WORDS)} module {n} */\n"][k]
            parts.append(s)
            total += len(s)
        self.js_pool = "".join(parts)
        parts = []
        total = 0
        while total < 60_000:
            s = (f".{self.pick(WORDS)}-{self.pick(JS_IDENT).lower()}{{margin:{r.randrange(0, 32)}px;"
                 f"color:#{self.hexs(6)};display:{self.pick(['flex', 'block', 'grid', 'none'])}}}\n")
            parts.append(s)
            total += len(s)
        self.css_pool = "".join(parts)
        recs = []
        for i in range(1500):
            d = {"id": r.randrange(1000, 99999999), "type": self.pick(["event", "audit", "job", "metric"]),
                 "status": self.pick(["ok", "failed", "pending", "done"]),
                 "createdAt": iso(self.base_ms + r.randrange(0, 10**10)),
                 "name": f"{self.pick(WORDS)}-{self.pick(WORDS)}", "count": r.randrange(0, 5000),
                 "enabled": r.random() < 0.5, "message": self.pick(LOG_MSGS)}
            recs.append(json.dumps(d, separators=(",", ":")))
        self.json_recs = recs
        self.text_pool = " ".join(self.pick(SENTENCES[:28]) for _ in range(3000))

    def js(self, n: int) -> str:
        L = len(self.js_pool)
        if n >= L:
            return (self.js_pool * (n // L + 1))[:n]
        o = self.rng.randrange(0, L - n)
        return self.js_pool[o:o + n]

    def css(self, n: int) -> str:
        L = len(self.css_pool)
        if n >= L:
            return (self.css_pool * (n // L + 1))[:n]
        o = self.rng.randrange(0, L - n)
        return self.css_pool[o:o + n]

    def json_filler(self, n: int) -> str:
        recs = self.json_recs
        k = max(1, n // 190)
        if k <= len(recs):
            o = self.rng.randrange(0, len(recs) - k + 1)
            sel = recs[o:o + k]
        else:
            sel = (recs * (k // len(recs) + 1))[:k]
        return '{"data":[' + ",".join(sel) + '],"page":{"next":null,"size":' + str(k) + "}}"

    def binary(self, kind: str, n: int) -> bytes:
        magic = {"png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
                 "gif": b"GIF89a", "webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ", "woff2": b"wOF2\x00\x01\x00\x00",
                 "woff": b"wOFF\x00\x01\x00\x00", "ico": b"\x00\x00\x01\x00"}[kind]
        return magic + self.rng.randbytes(max(0, n - len(magic)))

    def prose(self, k: int, lang_mix: bool = True) -> str:
        src = SENTENCES if lang_mix else SENTENCES[:28]
        return " ".join(self.pick(src) for _ in range(k))


# ---------------------------------------------------------------------------
# HAR captures
# ---------------------------------------------------------------------------

STATUS_TEXT = {200: "OK", 201: "Created", 204: "No Content", 101: "Switching Protocols",
               302: "Found", 303: "See Other", 304: "Not Modified", 401: "Unauthorized",
               403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}
UA = {
    "chrome": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "firefox": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "safari": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
}
ENTRIES_MARK = '"@@ENTRIES@@"'


def mkurl(base: str, params) -> str:
    if not params:
        return base
    return base + ("&" if "?" in base else "?") + urlencode(params, quote_via=quote, safe="")


class Har:
    """Builds one HAR capture and records where each planted value landed."""

    def __init__(self, g: Gen, flavor: str, budget: int, recs: Recs, stripped: bool = False,
                 person: Person | None = None):
        self.g = g
        self.r = g.rng
        self.flavor = flavor
        self.pretty = flavor != "firefox"
        self.stripped = stripped and flavor == "chrome"
        self.budget = budget
        self.recs = recs
        self.person = person or g.person()
        self.co = self.person.company
        self.t = g.capture_ms()
        self.entries: list[str] = []
        self.size = 600
        self.pages: list[dict] = []
        self.page_id = None
        self.page_url = None
        self.page_plants: list[str] = []
        self.jar: dict[str, dict] = {}
        self.ids = [g.reqid() for _ in range(3)]
        self.traces = [g.traceid() for _ in range(2)]
        self.app = f"app.{self.co.domain}"
        self.api = f"api.{self.co.domain}"
        self.cdn = f"cdn.{self.co.domain}"
        self.bundle = f"https://{self.cdn}/static/js/main.{g.hexs(8)}.js"
        self.done_flows: list[str] = []
        self.pending: list[str] = []
        self.scale = 0.2 if g.small else 1.0
        self.release = g.version()

    # -- primitives -------------------------------------------------------------
    def tick(self, lo: int = 3, hi: int = 900) -> int:
        self.t += self.r.randrange(lo, hi)
        return self.t

    def hname(self, n: str) -> str:
        return n.lower() if self.flavor == "chrome" else n

    def new_page(self, url: str, plants=(), title: str | None = None) -> None:
        pid = f"page_{len(self.pages) + 1}"
        if self.flavor == "safari":
            t = title or self.pick_title()
        else:
            t = url
        page = {"startedDateTime": iso(self.t, self.flavor != "firefox"), "id": pid, "title": t,
                "pageTimings": {"onContentLoad": self.r.randrange(200, 3000) + 0.5,
                                "onLoad": self.r.randrange(500, 6000) + 0.25}}
        self.pages.append(page)
        self.size += len(t) + 160
        self.page_id = pid
        self.page_url = url
        self.page_plants = list(plants)
        self.recs.text(t, plants, "har:pages.title")

    def pick_title(self) -> str:
        return self.g.pick(["Sign In", "Dashboard", "Admin Console", "Users", "Settings",
                            f"{self.co.name} - Home", "Redirecting…", "Support Portal"])

    def set_cookie(self, host: str, name: str, value: str) -> None:
        self.jar.setdefault(host, {})[name] = value

    def jar_for(self, host: str):
        out = []
        for dom, cks in self.jar.items():
            if host == dom or host.endswith("." + dom):
                out.extend(cks.items())
        return out

    def add(self, method: str, url: str, *, rtype: str = "xhr", headers=(), post=None,
            status: int = 200, rheaders=(), set_cookies=(), body="", mime: str = "application/json",
            b64body: bool = False, b64text: str | None = None, redirect: str = "", ws=None, plants=(),
            send_cookies: bool = True, referer: bool = True, doc: bool = False, title: str | None = None,
            page_plants=()) -> None:
        g, r, fl = self.g, self.r, self.flavor
        sp = urlsplit(url)
        host = sp.hostname or ""
        path = sp.path + ("?" + sp.query if sp.query else "")
        plants = list(plants) + self.pending
        self.pending = []
        started = self.tick()
        prev_url, prev_plants = self.page_url, self.page_plants
        plants.extend(prev_plants)
        if doc:
            self.new_page(url, page_plants or plants, title)
            plants.extend(self.page_plants)
        H = []
        hn = self.hname
        if fl == "chrome":
            H += [{"name": ":authority", "value": host}, {"name": ":method", "value": method},
                  {"name": ":path", "value": path or "/"}, {"name": ":scheme", "value": sp.scheme.replace("wss", "https")}]
        H.append({"name": hn("Accept"), "value": "text/html,application/xhtml+xml" if doc else
                  ("application/json, text/plain, */*" if rtype in ("xhr", "fetch") else "*/*")})
        H.append({"name": hn("Accept-Encoding"), "value": "gzip, deflate, br"})
        H.append({"name": hn("Accept-Language"), "value": "en-US,en;q=0.9"})
        for n, v in headers:
            if self.stripped and n.lower() in ("authorization", "cookie", "proxy-authorization"):
                continue
            H.append({"name": hn(n), "value": v})
        cookies = []
        if send_cookies:
            jar = self.jar_for(host)
            if jar:
                plants.extend(v for _, v in jar if v in g.meta)
                if not self.stripped:
                    H.append({"name": hn("Cookie"), "value": "; ".join(f"{n}={v}" for n, v in jar)})
                    for n, v in jar:
                        if fl == "chrome":
                            cookies.append({"name": n, "value": v, "path": "/", "domain": host,
                                            "expires": "1969-12-31T23:59:59.000Z", "httpOnly": False,
                                            "secure": True})
                        else:
                            cookies.append({"name": n, "value": v})
        if post is not None:
            H.append({"name": hn("Content-Type"), "value": post["mimeType"]})
            H.append({"name": hn("Origin"), "value": f"https://{host}"})
        if referer and prev_url and prev_url != url:
            H.append({"name": hn("Referer"), "value": prev_url})
        H.append({"name": hn("User-Agent"), "value": UA[fl]})
        qs = [{"name": k, "value": v} for k, v in parse_qsl(sp.query, keep_blank_values=True)]
        req = {"method": method, "url": url, "httpVersion": "http/2.0" if fl == "chrome" else "HTTP/2",
               "headers": H, "queryString": qs, "cookies": cookies, "headersSize": -1,
               "bodySize": len(post["text"]) if post else 0}
        if post is not None:
            req["postData"] = post
        # response
        RH = [{"name": hn("Content-Type"), "value": mime + ("; charset=utf-8" if mime.startswith(("text", "application/json")) else "")},
              {"name": hn("Date"), "value": http_date(started)}]
        if rtype in ("xhr", "fetch", "document"):
            RH.append({"name": hn(self.g.pick(["X-Request-Id", "X-Okta-Request-Id", "X-Amzn-RequestId"])),
                       "value": self.g.pick(self.ids)})
            plants.extend(self.ids)
        for n, v in rheaders:
            RH.append({"name": hn(n), "value": v})
        rcookies = []
        for ck in set_cookies:
            n, v, dom = ck[0], ck[1], ck[2]
            self.set_cookie(dom, n, v)
            plants.append(v)
            if self.stripped:
                continue
            exp = http_date(self.t + 86400000 * r.randrange(1, 30))
            RH.append({"name": hn("Set-Cookie"),
                       "value": f"{n}={v}; Path=/; Domain={dom}; Expires={exp}; Secure; HttpOnly; SameSite=Lax"})
            rcookies.append({"name": n, "value": v, "path": "/", "domain": dom,
                             "expires": iso(self.t + 86400000 * 7), "httpOnly": True, "secure": True})
        if redirect:
            RH.append({"name": hn("Location"), "value": redirect})
        b64plain = None
        if b64text is not None:
            content = {"size": len(b64text) * 3 // 4, "mimeType": mime, "text": b64text, "encoding": "base64"}
        elif isinstance(body, bytes):
            content = {"size": len(body), "mimeType": mime, "text": b64(body), "encoding": "base64"}
        elif b64body:
            raw = body.encode()
            content = {"size": len(raw), "mimeType": mime, "text": b64(raw), "encoding": "base64"}
            b64plain = body
        else:
            content = {"size": len(body), "mimeType": mime}
            if body or fl != "safari":
                content["text"] = body
        if fl == "chrome":
            content["compression"] = 0 if not body else r.randrange(0, max(1, content["size"] // 3 + 1))
        resp = {"status": status, "statusText": STATUS_TEXT.get(status, ""),
                "httpVersion": req["httpVersion"], "headers": RH, "cookies": rcookies,
                "content": content, "redirectURL": redirect, "headersSize": -1,
                "bodySize": content["size"]}
        ip = f"{r.randrange(13, 200)}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"
        wait = r.randrange(5, 800) + r.random()
        timings = {"blocked": round(r.random() * 3, 3), "dns": -1, "ssl": -1, "connect": -1,
                   "send": round(r.random(), 3), "wait": round(wait, 3), "receive": round(r.random() * 40, 3)}
        total = round(sum(v for v in timings.values() if v > 0), 3)
        if fl == "chrome":
            resp["_transferSize"] = content["size"] + 300
            resp["_error"] = None
            if doc:
                init = {"type": "other"}
            elif rtype in ("script", "stylesheet", "image", "font") or not self.page_url:
                init = {"type": "parser", "url": self.page_url or url, "lineNumber": r.randrange(1, 400)}
            else:
                init = {"type": "script", "stack": {"callFrames": [
                    {"functionName": self.g.pick(JS_IDENT), "scriptId": str(r.randrange(10, 900)),
                     "url": self.bundle, "lineNumber": 0, "columnNumber": r.randrange(100, 90000)}]}}
            e = {"_initiator": init, "_priority": "VeryHigh" if doc else self.g.pick(["High", "Low", "Medium"]),
                 "_resourceType": rtype}
            if ws is not None:
                g.features["ws"] = g.features.get("ws", 0) + 1
                e["_webSocketMessages"] = [{"type": t, "time": round(started / 1000 + i * 0.37, 3),
                                            "opcode": 1, "data": d} for i, (t, d) in enumerate(ws)]
            e.update({"cache": {}, "connection": str(r.randrange(400, 90000)), "pageref": self.page_id or "page_1",
                      "request": req, "response": resp, "serverIPAddress": ip,
                      "startedDateTime": iso(started), "time": total, "timings": timings})
        elif fl == "firefox":
            e = {"pageref": self.page_id or "page_1", "startedDateTime": iso(started, False),
                 "request": req, "response": resp, "cache": {}, "timings": timings, "time": total,
                 "_securityState": "secure", "serverIPAddress": ip, "connection": "443"}
        else:
            e = {"pageref": self.page_id or "page_0", "startedDateTime": iso(started), "time": total,
                 "request": req, "response": resp, "cache": {}, "timings": timings,
                 "_fetchType": "Network Load"}
        if self.pretty:
            s = json.dumps(e, indent=2, ensure_ascii=False).replace("\n", "\n      ")
        else:
            s = json.dumps(e, separators=(",", ":"), ensure_ascii=False)
        self.entries.append(s)
        self.size += len(s) + 8
        for v in dict.fromkeys(plants):
            for p in self._places(e, b64plain, v):
                self.recs.add(v, p)

    def _places(self, e: dict, b64plain, v: str):
        alts = self.g.meta[v][1]
        short = len(v) < 8  # short decoys (theme=dark, lang=en-US): only look in cookie places

        def has(s: str) -> bool:
            if v in s:
                return True
            for a in alts:
                if a in s:
                    return True
            return False
        out = []
        rq, rs = e["request"], e["response"]
        if not short and has(rq["url"]):
            out.append("har:request.url")
        for h in rq["headers"]:
            if (not short or h["name"].lower() == "cookie") and has(h["value"]):
                out.append("har:request.headers." + h["name"].lower())
        for c in rq["queryString"]:
            if not short and has(c["value"]):
                out.append("har:queryString")
                break
        for c in rq["cookies"]:
            if c["value"] == v:
                out.append("har:request.cookies")
                break
        pd = rq.get("postData")
        if pd and not short:
            if has(pd.get("text", "")):
                out.append("har:postData.text")
            for p in pd.get("params", ()):
                if has(p["value"]):
                    out.append("har:postData.params")
                    break
        for h in rs["headers"]:
            if (not short or h["name"].lower() == "set-cookie") and has(h["value"]):
                out.append("har:response.headers." + h["name"].lower())
        for c in rs["cookies"]:
            if c["value"] == v:
                out.append("har:response.cookies")
                break
        ct = rs["content"]
        if b64plain is not None:
            if v in b64plain:
                out.append("har:response.content.text(base64)")
        elif "text" in ct and len(v) >= 6 and has(ct["text"]):
            out.append("har:response.content.text")
        if rs["redirectURL"] and has(rs["redirectURL"]):
            out.append("har:response.redirectURL")
        for m in e.get("_webSocketMessages", ()):
            if has(m["data"]):
                out.append("har:_webSocketMessages.data")
                break
        init = e.get("_initiator")
        if init and init.get("url") and has(init["url"]):
            out.append("har:_initiator.url")
        return out

    def form(self, params) -> dict:
        return {"mimeType": "application/x-www-form-urlencoded",
                "text": urlencode(params, quote_via=quote, safe=""),
                "params": [{"name": k, "value": v} for k, v in params]}

    def jsonpost(self, obj) -> dict:
        return {"mimeType": "application/json", "text": json.dumps(obj, separators=(",", ":"), ensure_ascii=False)}

    def html_page(self, extra: str = "", n: int = 1500) -> str:
        g = self.g
        rel = self.release
        self.pending.append(rel)
        n = int(n * self.scale)
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{self.pick_title()}</title>'
                f'<link rel="stylesheet" href="https://{self.cdn}/static/css/app.{g.hexs(8)}.css">'
                f'<script src="{self.bundle}" defer></script></head><body><div id="root"></div>{extra}'
                f'<script>window.__CONFIG__={{"release":"{rel}","env":"production"}};{g.js(n)}</script></body></html>')

    # -- output -----------------------------------------------------------------
    def dumps(self) -> str:
        fl = self.flavor
        if fl == "chrome":
            log = {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}}
        elif fl == "firefox":
            log = {"version": "1.2", "creator": {"name": "Firefox", "version": "128.0"},
                   "browser": {"name": "Firefox", "version": "128.0"}}
        else:
            log = {"version": "1.2", "creator": {"name": "WebKit Web Inspector", "version": "1.0"}}
        log["pages"] = self.pages
        log["entries"] = ["@@ENTRIES@@"]
        doc = {"log": log}
        if self.pretty:
            skel = json.dumps(doc, indent=2, ensure_ascii=False)
            body = ",\n      ".join(self.entries)
        else:
            skel = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
            body = ",".join(self.entries)
        i = skel.index(ENTRIES_MARK)
        return skel[:i] + body + skel[i + len(ENTRIES_MARK):] + ("\n" if self.pretty else "")

    # -- flows ------------------------------------------------------------------
    def okta_login(self):
        g, p = self.g, self.person
        org = self.co.okta
        st = g.state()
        self.add("GET", f"https://{org}/", rtype="document", doc=True, status=200, mime="text/html",
                 body=self.html_page(n=800), title="Sign In")
        pw = g.form_password()
        body = {"identifier": p.email, "credentials": {"passcode": pw}, "stateHandle": st}
        sid, idx, dt = g.cookie("sid"), g.cookie("idx"), g.cookie("DT")
        js = g.cookie("JSESSIONID")
        a1 = g.analytics()
        self.set_cookie(org, a1[0], a1[1])
        self.add("POST", f"https://{org}/idp/idx/challenge/answer", rtype="fetch", post=self.jsonpost(body),
                 plants=[pw, st, p.email], mime="application/ion+json",
                 body=json.dumps({"version": "1.0.0", "stateHandle": st, "expiresAt": iso(self.t + 600000),
                                  "intent": "LOGIN", "user": {"value": {"identifier": p.email, "id": p.uid}}}),
                 set_cookies=[("sid", sid, org), ("idx", idx, org), ("DT", dt, org), ("JSESSIONID", js, org)])
        self.set_cookie(self.co.admin, "sid", sid)
        self.set_cookie(self.co.admin, "DT", dt)

    def f_okta_admin(self):
        g = self.g
        if not self.jar.get(self.co.okta):
            self.okta_login()
        admin = self.co.admin
        x = g.xsrf()
        for _ in range(2):
            n, v = g.analytics()
            self.set_cookie(admin, n, v)
        self.add("GET", f"https://{admin}/admin/dashboard", rtype="document", doc=True, mime="text/html",
                 body=self.html_page(f'<span id="_xsrfToken" hidden>{x}</span>', 1200), plants=[x],
                 title="Admin Console")
        people = [g.person() for _ in range(self.r.randrange(2, 7))]
        users = [{"id": u.uid, "status": "ACTIVE", "created": iso(self.t - 10**9), "profile": {
            "firstName": u.first, "lastName": u.last, "email": u.email, "login": u.email,
            "mobilePhone": u.phone if self.r.random() < 0.5 else None}} for u in people]
        pl = [x] + [u.email for u in people] + [u.phone for u in people] + [u.uid for u in people]
        self.add("GET", f"https://{admin}/api/v1/users?limit=20&search=status+eq+%22ACTIVE%22",
                 headers=[("X-Okta-XsrfToken", x), ("X-Requested-With", "XMLHttpRequest")],
                 body=json.dumps(users, ensure_ascii=False), plants=pl)
        if self.r.random() < 0.6:
            self.add("POST", f"https://{admin}/admin/user/profile/update/{people[0].uid}", rtype="xhr",
                     headers=[("X-Okta-XsrfToken", x)],
                     post=self.form([("_xsrfToken", x), ("profile.title", people[0].title),
                                     ("profile.mobilePhone", people[0].phone)]),
                     plants=[x, people[0].phone], body='{"status":"ok"}')

    def f_okta_api(self):
        g = self.g
        org = self.co.okta
        tkn = g.ssws()
        for path in self.r.sample(["/api/v1/users?limit=200", "/api/v1/groups?q=Admins",
                                   "/api/v1/apps?filter=status+eq+%22ACTIVE%22", "/api/v1/logs?since=" + iso(self.t - 3600000)], 2):
            u = g.person()
            self.add("GET", f"https://{org}{path}", headers=[("Authorization", "SSWS " + tkn)],
                     plants=[tkn, u.email, u.uid], referer=False, send_cookies=False,
                     body=json.dumps([{"id": u.uid, "profile": {"login": u.email, "email": u.email}}]))
        if self.r.random() < 0.4:
            ph = g.placeholder("ssws")
            self.add("GET", f"https://{org}/api/v1/users/me", headers=[("Authorization", "SSWS " + ph)],
                     status=401, plants=[ph], referer=False, send_cookies=False,
                     body='{"errorCode":"E0000011","errorSummary":"Invalid token provided"}')

    def f_form_login(self):
        g, p = self.g, self.person
        host = f"support.{self.co.domain}"
        csrf = g.csrf()
        self.add("GET", f"https://{host}/login", rtype="document", doc=True, mime="text/html",
                 body=self.html_page(f'<form method="post"><input type="hidden" name="authenticity_token" value="{csrf}">'
                                     f'<input name="email"><input type="password" name="password"></form>', 600),
                 plants=[csrf])
        pw = g.form_password()
        name = g.pick(["PHPSESSID", "connect.sid", "JSESSIONID"])
        sc = g.cookie(name)
        dest = f"https://{host}/dashboard"
        self.add("POST", f"https://{host}/login", rtype="document",
                 post=self.form([("authenticity_token", csrf), ("email", p.email), ("password", pw),
                                 ("remember_me", "1")]),
                 status=302, redirect=dest, set_cookies=[(name, sc, host)], plants=[csrf, pw, p.email],
                 mime="text/html")
        self.add("GET", dest, rtype="document", doc=True, mime="text/html", body=self.html_page(n=2000))

    def f_oidc(self):
        g, p = self.g, self.person
        org = self.co.okta
        iss = f"https://{org}/oauth2/default"
        cid = g.oid("0oa")
        st, nonce = g.state(), g.state()
        cb = f"https://{self.app}/login/callback"
        implicit = self.r.random() < 0.3
        at, idt = g.jwt(iss, p, "access"), g.jwt(iss, p, "id")
        auth = mkurl(f"{iss}/v1/authorize", [("client_id", cid), ("response_type", "token id_token" if implicit else "code"),
                                             ("scope", "openid profile email offline_access"), ("redirect_uri", cb),
                                             ("state", st), ("nonce", nonce)])
        if implicit and self.r.random() < 0.5:
            # response_mode=form_post: the IdP page auto-posts the tokens to the callback
            form = (f'<form method="post" action="{cb}"><input type="hidden" name="id_token" value="{idt}"/>'
                    f'<input type="hidden" name="access_token" value="{at}"/><input type="hidden" name="state" value="{st}"/></form>')
            self.add("GET", auth + "&response_mode=form_post", rtype="document", doc=True, mime="text/html",
                     body=self.html_page(form, 200), plants=[cid, st, nonce, at, idt])
            self.add("POST", cb, rtype="document", doc=True, mime="text/html", body=self.html_page(n=900),
                     post=self.form([("id_token", idt), ("access_token", at), ("token_type", "Bearer"), ("state", st)]),
                     plants=[at, idt, st], page_plants=[])
        elif implicit:
            loc = f"{cb}#access_token={at}&id_token={idt}&token_type=Bearer&expires_in=3600&scope=openid&state={st}"
            self.add("GET", auth, rtype="document", status=302, redirect=loc, plants=[cid, st, nonce, at, idt],
                     mime="text/html")
            self.add("GET", cb, rtype="document", doc=True, mime="text/html", body=self.html_page(n=900))
        if implicit:
            wsurl = mkurl(f"wss://rt.{self.co.domain}/socket", [("access_token", at), ("v", "2")])
            self.add("GET", wsurl, rtype="websocket" if self.flavor == "chrome" else "xhr", status=101,
                     plants=[at], mime="x-unknown",
                     ws=[("send", json.dumps({"type": "subscribe", "channel": "notifications"}))] if self.flavor == "chrome" else None)
        else:
            code = g.code()
            loc = mkurl(cb, [("code", code), ("state", st)])
            self.add("GET", auth, rtype="document", status=302, redirect=loc, plants=[cid, st, nonce, code],
                     mime="text/html")
            self.add("GET", loc, rtype="document", doc=True, mime="text/html", body=self.html_page(n=700),
                     plants=[code, st])
            # sub-resources of the callback page carry the code in Referer
            self.add("GET", f"https://{self.cdn}/static/css/app.{g.hexs(8)}.css", rtype="stylesheet",
                     mime="text/css", body=g.css(self.r.randrange(2000, 9000)))
            rt = g.refresh()
            cs = g.client_secret()
            if self.r.random() < 0.5:
                post = self.form([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", cb),
                                  ("client_id", cid), ("client_secret", cs)])
                turl = f"{iss}/v1/token"
            else:
                post = self.jsonpost({"client_id": cid, "client_secret": cs, "code": code,
                                      "grant_type": "authorization_code", "redirect_uri": cb})
                turl = f"https://{self.app}/api/auth/token"
            tok = {"token_type": "Bearer", "expires_in": 3600, "access_token": at,
                   "scope": "openid profile email offline_access", "id_token": idt, "refresh_token": rt}
            self.add("POST", turl, post=post, body=json.dumps(tok), plants=[cid, cs, code, at, idt, rt])
        if self.r.random() < 0.5:
            # legacy API that takes the token in the query string
            self.add("GET", mkurl(f"https://{self.api}/v1/me", [("access_token", at)]),
                     body=json.dumps({"id": p.uid, "email": p.email, "name": p.name}, ensure_ascii=False),
                     plants=[at, p.email, p.uid])
        else:
            self.add("GET", f"https://{self.api}/v1/me", headers=[("Authorization", "Bearer " + at)],
                     body=json.dumps({"id": p.uid, "email": p.email, "name": p.name}, ensure_ascii=False),
                     plants=[at, p.email, p.uid])
        if self.r.random() < 0.5:
            self.add("GET", mkurl(f"{iss}/v1/logout", [("id_token_hint", idt), ("post_logout_redirect_uri", f"https://{self.app}/"),
                                                      ("state", st)]), rtype="document", status=302,
                     redirect=f"https://{self.app}/", plants=[idt, st], mime="text/html")

    def f_saml(self):
        g, p = self.g, self.person
        org = self.co.okta
        sp = self.app
        req = g.saml_request(sp)
        relay = f"https://{sp}/home"
        slug = g.pick(["salesforce", "zendesk", "workday", "jira", "github", "aws"])
        sso = mkurl(f"https://{org}/app/{slug}/exk{g.tok(ALNUM, 17)}/sso/saml", [("SAMLRequest", req), ("RelayState", relay)])
        self.add("GET", f"https://{sp}/sso/login", rtype="document", status=302, redirect=sso, plants=[req],
                 mime="text/html")
        resp = g.saml(p, sp, org)
        page = (f'<form id="appForm" action="https://{sp}/sso/saml/acs" method="POST">'
                f'<input name="SAMLResponse" type="hidden" value="{resp}"/>'
                f'<input name="RelayState" type="hidden" value="{html.escape(relay)}"/></form>'
                f'<script>document.getElementById("appForm").submit();</script>')
        self.add("GET", sso, rtype="document", doc=True, mime="text/html", body=self.html_page(page, 300),
                 plants=[req, resp])
        name = g.pick(["JSESSIONID", "connect.sid", "PHPSESSID"])
        sc = g.cookie(name)
        self.add("POST", f"https://{sp}/sso/saml/acs", rtype="document",
                 post=self.form([("SAMLResponse", resp), ("RelayState", relay)]), status=302,
                 redirect=relay, set_cookies=[(name, sc, sp)], plants=[resp], mime="text/html")
        if self.r.random() < 0.35 or g.need("saml-response"):
            # single logout over the HTTP-Redirect binding: a deflated SAMLResponse in the query string
            lo = g.saml_logout(p, sp, org)
            url = mkurl(f"https://{sp}/sso/saml/slo", [("SAMLResponse", lo), ("RelayState", relay),
                                                      ("SigAlg", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")])
            self.add("GET", f"https://{org}/login/signout", rtype="document", status=302, redirect=url,
                     plants=[lo], mime="text/html")
            self.add("GET", url, rtype="document", status=302, redirect=relay, plants=[lo], mime="text/html")
        self.add("GET", relay, rtype="document", doc=True, mime="text/html", body=self.html_page(n=1500))

    def f_aws(self):
        g = self.g
        r = self.r
        region = g.pick(["us-east-1", "eu-west-1", "us-west-2", "ap-northeast-1"])
        d = utc(self.t)
        day = f"{d.year:04d}{d.month:02d}{d.day:02d}"
        amzdate = f"{day}T{d.hour:02d}{d.minute:02d}{d.second:02d}Z"
        kid, sec, tok = g.aws_key(temp=True), g.aws_secret(), g.aws_session()
        sig = g.reg("aws-signature", g.hexs(64))
        bucket = f"{self.co.slug}-{g.pick(['exports', 'uploads', 'reports'])}"
        obj = g.uuid()
        url = mkurl(f"https://{bucket}.s3.{region}.amazonaws.com/{g.pick(WORDS)}/{obj}.csv",
                    [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", f"{kid}/{day}/{region}/s3/aws4_request"),
                     ("X-Amz-Date", amzdate), ("X-Amz-Expires", "3600"), ("X-Amz-Security-Token", tok),
                     ("X-Amz-Signature", sig), ("X-Amz-SignedHeaders", "host")])
        self.add("GET", url, rtype="fetch", send_cookies=False, mime="text/csv",
                 body="id,name,created\n" + "".join(f"{r.randrange(10**6)},{g.pick(WORDS)},{iso(self.t)}\n" for _ in range(20)),
                 plants=[kid, tok, sig, obj])
        # credentials vended to the browser (Cognito-style) then a SigV4-signed call
        body = {"IdentityId": f"{region}:{g.uuid()}", "Credentials": {
            "AccessKeyId": kid, "SecretKey": sec, "SessionToken": tok, "Expiration": (self.t // 1000) + 3600}}
        b64b = r.random() < 0.3
        self.add("POST", f"https://cognito-identity.{region}.amazonaws.com/",
                 headers=[("X-Amz-Target", "AWSCognitoIdentityService.GetCredentialsForIdentity")],
                 post=self.jsonpost({"IdentityId": body["IdentityId"]}), mime="application/x-amz-json-1.1",
                 body=json.dumps(body), b64body=b64b, plants=[kid, sec, tok, body["IdentityId"].split(":", 1)[1]],
                 send_cookies=False)
        kid2 = g.aws_key() if r.random() < 0.5 else kid
        sig2 = g.reg("aws-signature", g.hexs(64))
        hdrs = [("Authorization", f"AWS4-HMAC-SHA256 Credential={kid2}/{day}/{region}/execute-api/aws4_request, "
                                  f"SignedHeaders=host;x-amz-date;x-amz-security-token, Signature={sig2}"),
                ("X-Amz-Date", amzdate)]
        if kid2 == kid:
            hdrs.append(("X-Amz-Security-Token", tok))
        self.add("GET", f"https://{g.tok(LOWER + DIGITS, 10)}.execute-api.{region}.amazonaws.com/prod/reports",
                 headers=hdrs, plants=[kid2, sig2, tok], body=g.json_filler(800), send_cookies=False)
        if kid2 != kid:
            sec2 = g.aws_secret()
            self.add("GET", f"https://{self.app}/api/debug/aws", plants=[kid2, sec2],
                     body=json.dumps({"aws_access_key_id": kid2, "aws_secret_access_key": sec2,
                                      "region": region}), b64body=r.random() < 0.3)

    def f_api(self):
        g, p = self.g, self.person
        r = self.r
        tkn = g.jwt(f"https://{self.co.okta}/oauth2/default", p, "app")
        key = g.generic_key()
        cs = g.csrf()
        tr = g.pick(self.traces)
        members = [g.person() for _ in range(r.randrange(2, 8))]
        acct = g.uuid()
        body = {"account": acct, "members": [
            {"id": g.uuid(), "name": m.name, "email": m.email,
             "phone": m.phone if r.random() < 0.4 else None, "role": g.pick(["owner", "admin", "member"]),
             "lastSeen": iso(self.t - r.randrange(10**8))} for m in members]}
        pl = [tkn, key, cs, tr, acct] + [m.email for m in members] + [m.phone for m in members]
        pl += [x["id"] for x in body["members"]]
        self.add("GET", f"https://{self.api}/v2/accounts/{acct}/members?page=1",
                 headers=[("Authorization", "Bearer " + tkn), (g.pick(["X-API-Key", "X-API-Key", "X-Auth-Token"]), key),
                          ("X-CSRF-Token", cs),
                          ("traceparent" if tr.startswith("00-") else "X-B3-TraceId", tr)],
                 body=json.dumps(body, ensure_ascii=False), plants=pl)
        self.add("POST", f"https://{self.api}/v2/exports", headers=[("Authorization", "Bearer " + tkn),
                                                                    ("X-CSRF-Token", cs)],
                 post=self.jsonpost({"format": "csv", "account": acct}), status=201,
                 body=json.dumps({"id": g.uuid(), "status": "queued"}), plants=[tkn, cs, acct])
        # session endpoint whose body is stored base64: the token only shows after decoding
        hidden = g.jwt(f"https://{self.api}", p, "app")
        rt = g.refresh()
        self.add("GET", f"https://{self.api}/v2/session", headers=[("X-API-Key", key)],
                 body=json.dumps({"token": hidden, "refresh_token": rt, "user": {"email": p.email}}),
                 b64body=True, mime=g.pick(["application/json", "application/octet-stream"]),
                 plants=[hidden, rt, key, p.email])

    def f_basic(self):
        g = self.g
        user, pw, cred = g.basic()
        host = g.pick([f"jenkins.{self.co.domain}", f"grafana.{self.co.domain}", f"registry.{self.co.domain}"])
        self.add("GET", f"https://{host}/api/json?tree=jobs%5Bname%5D", headers=[("Authorization", "Basic " + cred)],
                 body=g.json_filler(1200), plants=[pw], referer=False)
        if self.r.random() < 0.5:
            user2, pw2, cred2 = g.basic()
            self.add("GET", f"https://{host}/metrics", headers=[("Proxy-Authorization", "Basic " + cred2)],
                     body=g.json_filler(500), plants=[pw2], referer=False)

    def f_ws(self):
        g, p = self.g, self.person
        if self.flavor != "chrome":
            return self.f_slack()
        if self.r.random() < 0.5:
            t = g.jwt(f"https://{self.co.okta}/oauth2/default", p, "access")
            msgs = [("send", json.dumps({"type": "connection_init", "payload": {"authToken": t}})),
                    ("receive", '{"type":"connection_ack"}'),
                    ("send", json.dumps({"id": "1", "type": "start", "payload": {"query": "subscription{events{id}}"}})),
                    ("receive", g.json_filler(400))]
        else:
            t = g.slack()
            msgs = [("send", json.dumps({"type": "auth", "token": t, "id": 1})),
                    ("receive", '{"type":"hello"}'),
                    ("receive", json.dumps({"type": "message", "user": g.oid("U0"), "text": g.pick(SENTENCES[:28])}))]
        acc = g.reg("sha1", b64(self.r.randbytes(20)))
        self.add("GET", f"wss://rt.{self.co.domain}/graphql", rtype="websocket", status=101, mime="x-unknown",
                 rheaders=[("Upgrade", "websocket"), ("Connection", "Upgrade"),
                           ("Sec-WebSocket-Accept", acc)], ws=msgs, plants=[t, acc])

    def f_static(self):
        g, r = self.g, self.r
        n = int(r.randrange(4000, 30000) * self.scale)
        code = g.js(n)
        inj = []
        pl = []
        k = r.randrange(4)
        if k == 0 or g.need("google-api-key"):
            key = g.gapi()
            inj.append(f'const firebaseConfig={{apiKey:"{key}",authDomain:"{self.co.slug}.firebaseapp.com",projectId:"{self.co.slug}"}};')
            pl.append(key)
        ph = g.placeholder()
        inj.append(f'var defaults={{apiToken:"{ph}",release:"{g.version()}"}};')
        c = g.commit()
        inj.append(f'/*! build {c} */')
        pl += [ph, c]
        if r.random() < 0.5 or g.need("github-bad-checksum"):
            bad = g.gh_bad()
            inj.append(f'var TEST_FIXTURE_TOKEN="{bad}";')
            pl.append(bad)
        if r.random() < 0.4 or g.need("stripe-publishable-key"):
            pk = g.stripe_pk()
            inj.append(f'Stripe("{pk}");')
            pl.append(pk)
        pos = r.randrange(0, max(1, len(code)))
        code = code[:pos] + ";" + "".join(inj) + code[pos:]
        self.add("GET", self.bundle, rtype="script", mime="application/javascript", body=code, plants=pl)
        for kind, mime in (("png", "image/png"), ("woff2", "font/woff2")):
            v = g.reg("binary-base64", b64(g.binary(kind, r.randrange(600, 6000))), attrs={"mime": mime},
                      auto_alts=False)
            self.add("GET", f"https://{self.cdn}/static/media/{g.pick(WORDS)}.{g.hexs(8)}.{kind}",
                     rtype="image" if kind == "png" else "font", mime=mime, b64text=v, plants=[v])

    def f_checkout(self):
        g, p = self.g, self.person
        host = f"billing.{self.co.domain}"
        cc = g.card()
        addr = g.address()
        body = {"amount": self.r.randrange(500, 500000), "currency": g.pick(["usd", "eur", "gbp"]),
                "card": {"number": cc, "exp_month": self.r.randrange(1, 13), "exp_year": 2026 + self.r.randrange(5)},
                "billing_details": {"name": p.name, "email": p.email, "phone": p.phone, "address": addr}}
        pay = g.oid("pay_")
        self.add("POST", f"https://{host}/api/payments", post=self.jsonpost(body),
                 body=json.dumps({"id": pay, "status": "succeeded"}),
                 plants=[cc, p.email, p.phone, addr, pay])
        if self.r.random() < 0.6 or g.need("iban"):
            ib = g.iban()
            self.add("POST", f"https://{host}/sepa/mandate", rtype="document",
                     post=self.form([("iban", ib), ("account_holder", p.name), ("email", p.email)]),
                     status=303, redirect=f"https://{host}/sepa/done", plants=[ib, p.email], mime="text/html")
        sk = g.stripe()
        cus = g.oid("cus_")
        self.add("GET", f"https://api.stripe.com/v1/customers/{cus}",
                 headers=[("Authorization", "Bearer " + sk)], send_cookies=False, referer=False,
                 body=json.dumps({"object": "customer", "id": cus, "email": p.email, "livemode": True}),
                 plants=[sk, p.email, cus])
        bad = g.bad_card()
        self.add("POST", f"https://{host}/api/orders/lookup", post=self.jsonpost({"order_number": bad}),
                 body='{"found":false}', plants=[bad])

    def f_slack(self):
        g = self.g
        t = g.slack()
        team = self.co.slug
        ch = g.oid("C0")
        self.add("POST", f"https://{team}.slack.com/api/chat.postMessage",
                 post=self.form([("token", t), ("channel", ch), ("text", g.pick(SENTENCES[:28]))]),
                 body='{"ok":true}', plants=[t, ch], send_cookies=False)
        self.add("GET", "https://slack.com/api/conversations.list?limit=100", headers=[("Authorization", "Bearer " + t)],
                 body=g.json_filler(900), plants=[t], send_cookies=False)

    def f_github(self):
        g = self.g
        t = g.gh_pat()
        org = self.co.slug
        sha = g.commit()
        self.add("GET", f"https://api.github.com/repos/{org}/{g.pick(WORDS)}/actions/runs?per_page=30",
                 headers=[("Authorization", g.pick(["token ", "Bearer "]) + t),
                          ("X-GitHub-Api-Version", "2022-11-28")], send_cookies=False,
                 body=json.dumps({"total_count": 1, "workflow_runs": [{"head_sha": sha, "id": self.r.randrange(10**9)}]}),
                 plants=[t, sha])
        us = g.cookie("user_session")
        self.set_cookie("github.com", "user_session", us)
        self.set_cookie("github.com", "__Host-user_session_same_site", us)
        self.set_cookie("github.com", "logged_in", "yes")
        self.add("GET", f"https://github.com/{org}/{g.pick(WORDS)}/settings", rtype="document", doc=True,
                 mime="text/html", body=self.html_page(n=1500))

    def f_google(self):
        g = self.g
        key = g.gapi()
        self.add("GET", mkurl("https://maps.googleapis.com/maps/api/js", [("key", key), ("libraries", "places"),
                                                                         ("callback", "initMap")]),
                 rtype="script", mime="text/javascript", body=g.js(int(self.r.randrange(3000, 12000) * self.scale)), plants=[key],
                 send_cookies=False)
        psid, sap = g.cookie("__Secure-1PSID"), g.cookie("SAPISID")
        self.set_cookie("google.com", "__Secure-1PSID", psid)
        self.set_cookie("google.com", "SAPISID", sap)
        n, v = g.analytics()
        self.set_cookie("google.com", n, v)
        h = g.sha1()
        self.add("GET", "https://accounts.google.com/ListAccounts?gpsia=1&source=ogb",
                 headers=[("Authorization", f"SAPISIDHASH {self.t // 1000}_{h}"), ("X-Goog-Api-Key", key)],
                 body='["gaia.l.a.r",[]]', plants=[h, key])

    def f_msft(self):
        g = self.g
        e1, e2 = g.cookie("ESTSAUTHPERSISTENT"), g.cookie("ESTSAUTH")
        self.set_cookie("login.microsoftonline.com", "ESTSAUTHPERSISTENT", e1)
        self.set_cookie("login.microsoftonline.com", "ESTSAUTH", e2)
        st = g.state()
        cid = g.uuid()
        xr = g.reqid()
        url = mkurl("https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
                    [("client_id", cid), ("response_type", "code"), ("scope", "openid profile"),
                     ("state", st), ("response_mode", "form_post")])
        self.add("GET", url, rtype="document", doc=True, mime="text/html", body=self.html_page(n=2500),
                 rheaders=[("x-ms-request-id", xr)], plants=[st, cid, xr])

    def f_debug(self):
        g = self.g
        co = self.co
        url, pw = g.db_url(co)
        kid, sec = g.aws_key(), g.aws_secret()
        sk, sl, gh = g.stripe(), g.slack(), g.gh_pat()
        masked = g.placeholder("password")
        props = {"DATABASE_URL": {"value": url}, "AWS_ACCESS_KEY_ID": {"value": kid},
                 "AWS_SECRET_ACCESS_KEY": {"value": sec}, "STRIPE_SECRET_KEY": {"value": sk},
                 "SLACK_BOT_TOKEN": {"value": sl}, "GITHUB_TOKEN": {"value": gh},
                 "SMTP_PASSWORD": {"value": masked}, "JAVA_HOME": {"value": "/usr/lib/jvm/java-17"},
                 "BUILD_COMMIT": {"value": g.commit()}, "APP_VERSION": {"value": g.version()}}
        body = {"activeProfiles": ["prod"], "propertySources": [{"name": "systemEnvironment", "properties": props}]}
        pl = [pw, kid, sec, sk, sl, gh, masked, props["BUILD_COMMIT"]["value"], props["APP_VERSION"]["value"]]
        self.add("GET", f"https://{self.app}/actuator/env", body=json.dumps(body), plants=pl,
                 b64body=self.r.random() < 0.3)

    FLOWS = {
        "okta_admin": (["session-cookie", "okta-xsrf", "analytics-cookie", "form-password", "email", "phone", "object-id", "oauth-state"], 3),
        "okta_api": (["okta-ssws", "email", "placeholder"], 2),
        "form_login": (["form-password", "session-cookie", "csrf-token", "email"], 2),
        "oidc": (["jwt", "oauth-code", "oauth-state", "client-secret", "refresh-token", "email"], 3),
        "saml": (["saml-response", "saml-request", "session-cookie"], 2),
        "aws": (["aws-access-key", "aws-secret-key", "aws-session-token", "aws-signature", "uuid"], 2),
        "api": (["jwt", "generic-api-key", "csrf-token", "trace-id", "request-id", "email", "phone", "uuid", "refresh-token"], 3),
        "basic": (["basic-auth"], 2),
        "ws": (["jwt", "slack-token"], 2),
        "checkout": (["credit-card", "iban", "stripe-key", "postal-address", "luhn-invalid", "email", "phone"], 1.5),
        "slack": (["slack-token"], 1),
        "github": (["github-pat", "session-cookie", "git-commit"], 1),
        "google": (["google-api-key", "session-cookie", "sha1", "analytics-cookie"], 1),
        "msft": (["session-cookie", "oauth-state"], 1),
        "debug": (["db-url-password", "aws-access-key", "aws-secret-key", "stripe-key", "slack-token", "github-pat", "placeholder"], 1),
        "static": (["binary-base64", "google-api-key", "placeholder", "git-commit", "github-bad-checksum", "version", "stripe-publishable-key"], 2),
    }

    def choose_flows(self, k: int):
        g = self.g
        names = list(self.FLOWS)
        chosen = []
        covered = set()
        # cover classes still under quota first
        for _ in range(k):
            best, score = None, 0
            for n in names:
                if n in chosen:
                    continue
                s = sum(g.need(c) for c in self.FLOWS[n][0] if c not in covered)
                if s > score:
                    best, score = n, s
            if best is None:
                break
            chosen.append(best)
            covered.update(self.FLOWS[best][0])
            if len(chosen) >= 3 and not g.small:
                break
        rest = [n for n in names if n not in chosen]
        w = [self.FLOWS[n][1] for n in rest]
        while len(chosen) < k and rest:
            i = self.r.choices(range(len(rest)), weights=w)[0]
            chosen.append(rest.pop(i))
            w.pop(i)
        return chosen

    def build(self, k: int | None = None) -> str:
        r = self.r
        if k is None:
            k = r.randrange(2, 6)
        flows = self.choose_flows(k)
        if self.flavor == "chrome" and self.g.small and not self.g.features.get("ws") and "ws" not in flows:
            flows.append("ws")
        # a landing page first
        self.add("GET", f"https://{self.app}/", rtype="document", doc=True, mime="text/html",
                 body=self.html_page(n=r.randrange(500, 3000)))
        for f in flows:
            getattr(self, "f_" + f)()
            self.done_flows.append(f)
            if self.size > self.budget * 1.5 and not self.g.small:
                break
        if self.g.small and self.g.need("binary-base64"):
            kind = self.g.pick(["png", "gif"])
            v = self.g.reg("binary-base64", b64(self.g.binary(kind, r.randrange(300, 1500))),
                           attrs={"mime": "image/" + kind}, auto_alts=False)
            self.add("GET", f"https://{self.cdn}/static/media/{self.g.pick(WORDS)}.{self.g.hexs(8)}.{kind}",
                     rtype="image", mime="image/" + kind, b64text=v, plants=[v])
        self.fill()
        return self.dumps()

    def fill(self):
        g, r = self.g, self.r
        hi = max(2000, min(self.budget // 6, 900_000))
        while self.size < self.budget:
            room = self.budget - self.size
            n = int(min(room, math.exp(r.uniform(math.log(400), math.log(hi)))))
            n = max(n, 200)
            k = r.randrange(20)
            if k < 6:
                kind = g.pick(["png", "png", "jpeg", "gif", "webp"])
                v = g.reg("binary-base64", b64(g.binary(kind, int(n * 0.74))), attrs={"mime": "image/" + kind},
                          auto_alts=False)
                self.add("GET", f"https://{self.cdn}/static/media/{g.pick(WORDS)}.{g.hexs(8)}.{kind}",
                         rtype="image", mime="image/" + kind, b64text=v, plants=[v])
            elif k < 7:
                kind = g.pick(["woff2", "woff"])
                v = g.reg("binary-base64", b64(g.binary(kind, int(n * 0.74))), attrs={"mime": "font/" + kind},
                          auto_alts=False)
                self.add("GET", f"https://{self.cdn}/static/fonts/{g.pick(WORDS)}.{g.hexs(8)}.{kind}",
                         rtype="font", mime="font/" + kind, b64text=v, plants=[v])
            elif k < 12:
                self.add("GET", f"https://{self.cdn}/static/js/{g.pick(JS_IDENT)}.{g.hexs(8)}.chunk.js",
                         rtype="script", mime="application/javascript", body=g.js(n))
            elif k < 13:
                self.add("GET", f"https://{self.cdn}/static/css/{g.pick(WORDS)}.{g.hexs(8)}.css",
                         rtype="stylesheet", mime="text/css", body=g.css(n))
            else:
                self.add("GET", f"https://{self.api}/v2/{g.pick(['events', 'jobs', 'metrics', 'audit'])}?page={r.randrange(1, 40)}",
                         rtype=g.pick(["xhr", "fetch"]), body=g.json_filler(n))



def make_har(g: Gen, budget: int, recs: Recs, flavor: str | None = None, k: int | None = None,
             embedded: bool = False) -> tuple[bytes, str]:
    r = g.rng
    feat = g.features
    if flavor is None and g.small:
        missing = [f for f in ("chrome", "firefox", "safari") if not feat.get(f)]
        if missing:
            flavor = missing[0]
    if flavor is None:
        if embedded and g.small:
            # keep attachments small in tiny corpora: mostly one-line Firefox exports
            flavor = g.pick(["firefox", "firefox", "firefox", "chrome", "safari"])
        else:
            flavor = g.pick(["chrome", "chrome", "chrome", "firefox", "firefox", "safari"])
    feat[flavor] = feat.get(flavor, 0) + 1
    stripped = flavor == "chrome" and r.random() < 0.25
    if g.small and k is None:
        k = r.randrange(2, 4)
    h = Har(g, flavor, budget, recs, stripped=stripped)
    text = h.build(k)
    bom = r.random() < 0.2 or (g.small and not feat.get("bom"))
    if bom:
        feat["bom"] = feat.get("bom", 0) + 1
    data = ("\ufeff" if bom else "") + text
    name_hint = h.done_flows[0].replace("_", "-") if h.done_flows else "capture"
    return data.encode("utf-8"), f"{name_hint}-{flavor}"


# ---------------------------------------------------------------------------
# Pasted blocks (tickets, e-mails, logs share them)
# ---------------------------------------------------------------------------

class Blocks:
    """Text snippets a customer pastes into a ticket or an e-mail.

    Each returns (text, [values]) where every value is registered."""

    def __init__(self, g: Gen):
        self.g = g
        self.recent: set[str] = set()  # classes already chosen for the current comment
        self.only_needy = False

    def curl_ssws(self, p: Person):
        t = self.g.ssws()
        return (f"curl -s -H 'Authorization: SSWS {t}' -H 'Accept: application/json' "
                f"'https://{p.company.okta}/api/v1/users?limit=200'", [t])

    def curl_bearer(self, p: Person):
        t = self.g.jwt(f"https://{p.company.okta}/oauth2/default", p, self.g.pick(["access", "id", "app"]))
        return (f"curl -X GET https://api.{p.company.domain}/v2/reports \\\n  -H \"Authorization: Bearer {t}\"", [t])

    def curl_basic(self, p: Person):
        user, pw, cred = self.g.basic()
        if self.g.chance(0.5):
            return (f"curl -u '{user}:{pw}' https://jenkins.{p.company.domain}/job/deploy/api/json", [pw])
        return (f"GET /api/health HTTP/1.1\nHost: grafana.{p.company.domain}\nAuthorization: Basic {cred}", [pw])

    def aws_creds(self, p: Person):
        g = self.g
        if g.chance(0.35) or g.need("aws-session-token"):
            k, s, t = g.aws_key(temp=True), g.aws_secret(), g.aws_session()
            return (f"[sso-admin]\naws_access_key_id = {k}\naws_secret_access_key = {s}\naws_session_token = {t}\n"
                    f"region = {g.pick(['us-east-1', 'eu-central-1'])}", [k, s, t])
        k, s = g.aws_key(), g.aws_secret()
        return (f"[default]\naws_access_key_id = {k}\naws_secret_access_key = {s}\nregion = {g.pick(['us-east-1', 'eu-central-1'])}", [k, s])

    def presigned(self, p: Person):
        g = self.g
        k, t = g.aws_key(temp=True), g.aws_session()
        sig = g.reg("aws-signature", g.hexs(64))
        url = mkurl(f"https://{p.company.slug}-exports.s3.amazonaws.com/reports/{g.pick(WORDS)}.csv",
                    [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", f"{k}/20240305/us-east-1/s3/aws4_request"),
                     ("X-Amz-Date", "20240305T120000Z"), ("X-Amz-Expires", "604800"), ("X-Amz-Security-Token", t),
                     ("X-Amz-Signature", sig), ("X-Amz-SignedHeaders", "host")])
        return (f"The download link from the export page returns 403:\n{url}", [k, t, sig])

    def curl_api(self, p: Person):
        g = self.g
        key, cs = g.generic_key(), g.csrf()
        return (f"curl 'https://api.{p.company.domain}/v2/exports' -X POST \\\n  -H 'X-API-Key: {key}' \\\n"
                f"  -H 'X-CSRF-Token: {cs}' --data-raw '{{\"format\":\"csv\"}}'", [key, cs])

    def token_json(self, p: Person):
        g = self.g
        at = g.jwt(f"https://{p.company.okta}/oauth2/default", p, "access")
        rt = g.refresh()
        return ("Token endpoint response:\n" + json.dumps({"token_type": "Bearer", "expires_in": 3600, "access_token": at,
                                                          "scope": "openid offline_access", "refresh_token": rt}, indent=2), [at, rt])

    def sso_url(self, p: Person):
        g = self.g
        req = g.saml_request(f"app.{p.company.domain}")
        code, st = g.code(), g.state()
        if g.chance(0.5) or g.need("saml-request"):
            url = mkurl(f"https://{p.company.okta}/app/{g.pick(['jira', 'zendesk', 'aws'])}/exk{g.tok(ALNUM, 17)}/sso/saml",
                        [("SAMLRequest", req), ("RelayState", "/home")])
            return (f"We end up on this URL and then get an error page:\n{url}", [req])
        url = mkurl(f"https://app.{p.company.domain}/login/callback", [("code", code), ("state", st)])
        return (f"After login the browser stops at {url}", [code, st])

    def env(self, p: Person):
        g = self.g
        url, pw = g.db_url(p.company)
        sk, sl, gh, gk, cs = g.stripe(), g.slack(), g.gh_pat(), g.gapi(), g.client_secret()
        ph = g.placeholder("token")
        pk = g.stripe_pk()
        lines = [f"DATABASE_URL={url}", f"STRIPE_SECRET_KEY={sk}", f"STRIPE_PUBLISHABLE_KEY={pk}", f"SLACK_BOT_TOKEN={sl}",
                 f"GITHUB_TOKEN={gh}", f"GOOGLE_MAPS_API_KEY={gk}", f"OKTA_CLIENT_SECRET={cs}",
                 f"SENTRY_AUTH_TOKEN={ph}", f"APP_VERSION={g.version()}"]
        g.rng.shuffle(lines)
        keep = lines[:g.rng.randrange(3, len(lines) + 1)]
        vals = [v for v in (pw, sk, pk, sl, gh, gk, cs, ph) if any(v in l for l in keep)]
        vals += [l.split("=", 1)[1] for l in keep if l.startswith("APP_VERSION")]
        return ("\n".join(keep), vals)

    def key(self, p: Person):
        k = self.g.pem()
        return ("This is the key the SFTP connector uses:\n" + k, [k])

    def cookies(self, p: Person):
        g = self.g
        sid, dt = g.cookie("sid"), g.cookie("DT")
        a = g.analytics()
        x = g.xsrf()
        return (f"document.cookie => \"sid={sid}; DT={dt}; {a[0]}={a[1]}\"\nX-Okta-XsrfToken: {x}", [sid, dt, a[1], x])

    def login_json(self, p: Person):
        pw = self.g.form_password()
        return (json.dumps({"username": p.email, "password": pw, "options": {"warnBeforePasswordExpired": True}}), [pw, p.email])

    def saml(self, p: Person):
        s = self.g.saml(p, f"app.{p.company.domain}", p.company.okta)
        return (f"SAMLResponse={s}", [s])

    def payment(self, p: Person):
        g = self.g
        if (g.need("iban") and not g.need("credit-card")) or (not g.need("credit-card") and g.chance(0.5)):
            ib = g.iban()
            return (f"Please refund the duplicate charge to IBAN {ib} (account holder {p.name}).", [ib])
        cc = g.card()
        return (f"The card we used is {cc}, expiring {g.rng.randrange(1, 13):02d}/{g.rng.randrange(26, 31)}.", [cc])

    def decoys(self, p: Person):
        g = self.g
        vals = []
        bits = []
        u = g.uuid()
        bits.append(f"Org id: {u}")
        vals.append(u)
        c = g.commit()
        v = g.version()
        bits.append(f"Agent version {v} (commit {c})")
        vals += [c, v]
        if g.chance(0.6) or g.need("luhn-invalid"):
            b = g.bad_card()
            bits.append(f"Order number {b}")
            vals.append(b)
        ph = g.placeholder()
        bits.append(g.pick([f"export API_TOKEN={ph}", f"token: {ph}", f"password={ph}",
                            f"Authorization: Bearer {ph}"]))
        vals.append(ph)
        if g.chance(0.4) or g.need("sha256"):
            h = g.sha256()
            bits.append(f"sha256 of the installer: {h}")
            vals.append(h)
        if g.chance(0.3) or g.need("github-bad-checksum"):
            b = g.gh_bad()
            bits.append(f"The docs mention a token like {b}, is that format still valid?")
            vals.append(b)
        if g.chance(0.2) or g.need("sha1"):
            h = g.sha1()
            bits.append(f"sha1 checksum of the bundle: {h}")
            vals.append(h)
        if g.chance(0.3) or g.need("timestamp"):
            t = g.epoch_ms()
            bits.append(f"First failure at epoch {t}")
            vals.append(t)
        return ("\n".join(bits), vals)

    def logsnip(self, p: Person):
        g = self.g
        lines = []
        vals = []
        t = g.capture_ms()
        for _ in range(g.rng.randrange(3, 7)):
            t += g.rng.randrange(10, 5000)
            rid = g.reqid()
            vals.append(rid)
            lines.append(f"{iso(t)} INFO  [http-nio-8443-exec-{g.rng.randrange(1, 20)}] c.t.a.RequestLog - "
                         f"request_id={rid} status={g.pick(['200', '302', '401', '403'])} {g.pick(LOG_MSGS)}")
        if g.chance(0.3) or g.need("trace-id"):
            tr = g.traceid()
            lines.append(f"{iso(t + 3)} WARN  [http-nio-8443-exec-2] c.t.a.Upstream - slow upstream call trace={tr} took 2931ms")
            vals.append(tr)
        k = g.rng.randrange(4)
        if k == 0:
            x = g.jwt(f"https://{p.company.okta}/oauth2/default", p, "access")
            lines.insert(2, f"{iso(t)} DEBUG [main] o.a.h.headers - http-outgoing-7 >> Authorization: Bearer {x}")
        elif k == 1:
            url, x = g.db_url(p.company)
            lines.insert(1, f"{iso(t)} ERROR [pool-1] c.z.h.HikariPool - Exception during pool initialization: {url}")
        elif k == 2:
            x = g.ssws()
            lines.insert(1, f"{iso(t)} DEBUG [sync] okta.client - >> Authorization: SSWS {x}")
        else:
            x = g.slack()
            lines.insert(1, f"{iso(t)} WARN  [notify] slack - post failed token={x} channel=#alerts")
        vals.append(x)
        return ("\n".join(lines), vals)

    MENU = {
        "curl_ssws": ["okta-ssws"], "curl_bearer": ["jwt"], "curl_basic": ["basic-auth"],
        "aws_creds": ["aws-access-key", "aws-secret-key"],
        "env": ["db-url-password", "stripe-key", "slack-token", "github-pat", "google-api-key", "client-secret", "placeholder", "stripe-publishable-key"],
        "key": ["private-key"], "cookies": ["session-cookie", "okta-xsrf", "analytics-cookie"],
        "presigned": ["aws-access-key", "aws-session-token", "aws-signature"],
        "curl_api": ["generic-api-key", "csrf-token"], "token_json": ["jwt", "refresh-token"],
        "sso_url": ["saml-request", "oauth-code", "oauth-state"],
        "login_json": ["form-password"], "saml": ["saml-response"], "payment": ["iban", "credit-card"],
        "decoys": ["uuid", "git-commit", "version", "luhn-invalid", "placeholder", "sha256", "sha1", "github-bad-checksum", "timestamp"],
        "logsnip": ["request-id", "trace-id", "jwt", "db-url-password", "okta-ssws", "slack-token"],
    }
    WEIGHTS = {"curl_ssws": 2, "curl_bearer": 2, "curl_basic": 1.5, "aws_creds": 1, "env": 1, "key": 0.6,
               "presigned": 0.5, "sso_url": 0.8, "curl_api": 1, "token_json": 0.8,
               "cookies": 1.5, "login_json": 1, "saml": 0.4, "payment": 1, "decoys": 3, "logsnip": 3}

    def choose(self) -> str:
        g = self.g
        best, score = None, 0
        for n, classes in self.MENU.items():
            s = sum(g.need(c) for c in classes if c not in self.recent)
            if s > score:
                best, score = n, s
        if best and (g.small or g.chance(0.3)):
            self.recent.update(self.MENU[best])
            return best
        if self.only_needy:
            return None
        names = list(self.WEIGHTS)
        return g.rng.choices(names, weights=[self.WEIGHTS[n] for n in names])[0]

    def block(self, p: Person, name: str | None = None):
        name = name or self.choose()
        return getattr(self, name)(p)


def signature(g: Gen, p: Person, full: bool = True):
    vals = [p.email]
    s = f"--\n{p.name}\n{p.title}, {p.company.name}\n{p.email}"
    if full or g.chance(0.5):
        s += f"\nTel: {p.phone}"
        vals.append(p.phone)
    if g.chance(0.15) or g.need("postal-address"):
        a = g.address()
        s += f"\n{a}"
        vals.append(a)
    return s, vals


# ---------------------------------------------------------------------------
# Tickets
# ---------------------------------------------------------------------------

def make_comment(g: Gen, blocks: Blocks, author: Person | None, ticket_t: int, cid: int, agent: bool,
                 n_blocks: int):
    vals = []
    paras = []
    blocks.recent.clear()
    if agent:
        paras.append("Hi,")
        paras.append(" ".join(g.pick(AGENT_SENTENCES) for _ in range(g.rng.randrange(1, 3))))
        paras.append(f"Best regards,\n{VENDOR} Support")
        if g.chance(0.3):
            paras.insert(2, f"Reference: {g.uuid()}")
            vals.append(paras[2].split(" ", 1)[1])
    else:
        paras.append(g.pick(["Hello,", "Hi team,", "Hi support,", "Bonjour,", "Hallo zusammen,"]))
        paras.append(g.prose(g.rng.randrange(1, 3) if g.small else g.rng.randrange(2, 6)))
        for _ in range(n_blocks):
            name = blocks.choose()
            if name is None:
                break
            text, vs = blocks.block(author, name)
            paras.append(text)
            vals += vs
        sig, vs = signature(g, author, full=g.chance(0.6))
        paras.append(sig)
        vals += vs
    body = "\n\n".join(paras)
    html_body = '<div class="zd-comment" dir="auto">' + "".join(
        (f"<pre>{html.escape(x, quote=False)}</pre>" if ("\n" in x and not x.startswith("--")) else
         "<p>" + html.escape(x, quote=False).replace("\n", "<br>") + "</p>") for x in paras) + "</div>"
    if not agent and (g.chance(0.05) or g.need("binary-base64")):
        img = g.reg("binary-base64", b64(g.binary("png", g.rng.randrange(300, 3000))), attrs={"mime": "image/png"},
                    auto_alts=False)
        html_body += f'<p><img src="data:image/png;base64,{img}" alt="screenshot.png"></p>'
        vals.append(img)
    plain = re.sub(r"\n{2,}", "\n", body)
    return body, html_body, plain, vals


def make_ticket(g: Gen, blocks: Blocks, recs: Recs, budget: int, with_atts: bool = True, topup: bool = False):
    """One Zendesk-style ticket dict; recs get its planted values."""
    r = g.rng
    p = g.person()
    g.ticket_id += r.randrange(1, 40)
    tid = g.ticket_id
    t0 = g.capture_ms()
    comments = []
    size = 0
    i = 0
    agent_id = r.randrange(10**11, 10**12)
    while size < budget or i < 2:
        agent = i % 2 == 1
        nb = 0 if agent else (r.randrange(1, 4) if g.small else r.randrange(0, 3))
        if topup and not agent:
            nb = 8
        body, hb, pb, vals = make_comment(g, blocks, p, t0, i, agent, nb)
        atts = []
        if with_atts and not agent and (r.random() < 0.45 or g.need("attachment-token")):
            tk = g.att_token()
            fn = g.pick(["okta-admin", "login-loop", "sso-failure", "capture", "browser-session"]) + f"-{r.randrange(1, 99)}.har"
            atts.append({"id": r.randrange(10**12, 10**13), "file_name": fn,
                         "content_url": f"https://{ZD_HOST}/attachments/token/{tk}/?name={fn}",
                         "mapped_content_url": f"https://support.{VENDOR_DOMAIN}/attachments/token/{tk}/?name={fn}",
                         "content_type": "application/octet-stream", "size": r.randrange(20000, 90000000),
                         "width": None, "height": None, "inline": False, "deleted": False, "thumbnails": []})
            vals.append(tk)
        c = {"id": r.randrange(10**13, 10**14), "type": "Comment", "author_id": agent_id if agent else r.randrange(10**11, 10**12),
             "body": body, "html_body": hb, "plain_body": pb, "public": True, "attachments": atts,
             "audit_id": r.randrange(10**13, 10**14),
             "via": {"channel": "web" if agent else g.pick(["email", "web", "api"]), "source": {"from": {}, "to": {}, "rel": None}},
             "created_at": iso(t0 + i * 3600000 * r.randrange(1, 30))[:19] + "Z"}
        for v in dict.fromkeys(vals):
            recs.text(body, [v], "ticket:comment.body")
            recs.text(hb, [v], "ticket:comment.html_body")
            recs.text(pb, [v], "ticket:comment.plain_body")
            for a in atts:
                recs.text(a["content_url"], [v], "ticket:attachment.content_url")
                recs.text(a["mapped_content_url"], [v], "ticket:attachment.mapped_content_url")
        comments.append(c)
        if i == 0:
            first_vals = vals
        size += len(body) + len(hb) + len(pb) + 600
        i += 1
        if i > 400:
            break
    subject = g.pick(["SSO login loop after upgrade", "API token stopped working", "Users cannot sign in",
                      "HAR file for case", "SAML assertion rejected", "Provisioning failures", "MFA prompt missing",
                      "Export job times out", "Webhook signature mismatch"])
    ticket = {"url": f"https://{ZD_HOST}/api/v2/tickets/{tid}.json", "id": tid, "external_id": None,
              "via": {"channel": "email", "source": {"from": {"address": p.email, "name": p.name},
                                                     "to": {"name": f"{VENDOR} Support", "address": f"support@{VENDOR_DOMAIN}"},
                                                     "rel": None}},
              "created_at": iso(t0)[:19] + "Z", "updated_at": iso(t0 + 86400000)[:19] + "Z",
              "type": g.pick(["incident", "problem", "question"]), "subject": f"{subject} [{p.company.name}]",
              "raw_subject": f"{subject} [{p.company.name}]", "description": comments[0]["body"],
              "priority": g.pick(["low", "normal", "high", "urgent"]), "status": g.pick(["open", "pending", "solved"]),
              "recipient": f"support@{VENDOR_DOMAIN}", "requester_id": r.randrange(10**11, 10**12),
              "submitter_id": r.randrange(10**11, 10**12), "assignee_id": agent_id,
              "organization_id": r.randrange(10**11, 10**12), "group_id": r.randrange(10**11, 10**12),
              "tags": [g.pick(["sso", "api", "mfa", "har", "urgent"]), p.company.slug],
              "custom_fields": [{"id": 360000000000 + r.randrange(10**6), "value": g.pick(["prod", "preview", None])}],
              "comments": comments}
    recs.text(comments[0]["body"], dict.fromkeys(first_vals), "ticket:description")
    recs.add(p.email, "ticket:via.source.from.address")
    sup = g.reg("email", f"support@{VENDOR_DOMAIN}")
    recs.add(sup, "ticket:recipient")
    return ticket


def make_tickets(g: Gen, budget: int, recs: Recs, jsonl: bool, topup: bool = False) -> bytes:
    blocks = Blocks(g)
    blocks.only_needy = topup
    out = []
    size = 0
    while (size < budget and not topup) or not out or (topup and any(g.need(c) for c in KIND) and len(out) < 6):
        per = 1000 if topup else min(max(3000, budget - size), g.rng.randrange(3000, 20000))
        t = make_ticket(g, blocks, recs, per, topup=topup)
        s = json.dumps(t, ensure_ascii=False, separators=(",", ":"))
        out.append(s)
        size += len(s) + 1
    if jsonl:
        return ("\n".join(out) + "\n").encode("utf-8")
    end = g.capture_ms() // 1000
    return ('{"tickets":[' + ",".join(out) + f'],"next_page":null,"count":{len(out)},"end_of_stream":true,"end_time":{end}}}\n').encode("utf-8")


# ---------------------------------------------------------------------------
# User report CSV (modeled on the incident report)
# ---------------------------------------------------------------------------

CSV_COLS = ["Created Date", "Last Login", "Full Name", "Username", "Email", "Company Name", "User Type",
            "Address", "Last Password Change", "Role Name", "Role Description", "Phone", "Mobile",
            "Time Zone", "SAML Federation ID"]


def make_csv(g: Gen, budget: int, recs: Recs) -> bytes:
    r = g.rng
    rows = max(40, min(25000, budget // 60))
    full_n = max(3, round(rows * 0.004))
    full_at = set(r.sample(range(rows), full_n))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLS)
    for i in range(rows):
        p = g.person(new=r.random() < 0.8)
        if i in full_at:
            co = p.company
            created = g.capture_ms() - 10**10
            mobile = g.phone()
            addr = g.address()
            fed = p.email
            row = [utc(created).strftime("%m/%d/%Y, %I:%M %p"), utc(created + 10**9).strftime("%m/%d/%Y, %I:%M %p"),
                   p.name, p.email, p.email, co.name, "Customer Portal User", addr,
                   utc(created + 5 * 10**8).strftime("%m/%d/%Y, %I:%M %p"), "Customer Admin",
                   "Administrator of the customer org in the help center", p.phone, mobile, p.tz, fed]
            recs.add(p.email, "csv:Email")
            recs.add(p.email, "csv:Username")
            recs.add(p.phone, "csv:Phone")
            recs.add(mobile, "csv:Mobile")
            recs.add(addr, "csv:Address")
            recs.add(fed, "csv:SAML Federation ID")
        else:
            row = ["", "", p.name, "", p.email, "", "", "", "", "", "", "", "", "", ""]
            recs.add(p.email, "csv:Email")
        recs.add(g.reg("person-name", p.name), "csv:Full Name")
        w.writerow(row)
    data = buf.getvalue()
    bom = "\ufeff" if r.random() < 0.5 else ""
    return (bom + data).encode("utf-8")


# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------

def make_log(g: Gen, budget: int, recs: Recs) -> bytes:
    r = g.rng
    fmt = g.pick(["java", "java", "nginx", "json"])
    t = g.capture_ms()
    ids = [g.reqid() for _ in range(6)]
    traces = [g.traceid() for _ in range(2)]
    co = g.company()
    lines = []
    size = 0
    plant_every = 8 if g.small else r.randrange(60, 400)
    n = 0
    used = set()
    covered: set[str] = set()
    while size < budget:
        t += r.randrange(1, 3000)
        n += 1
        if n % plant_every == 0:
            s, vals = log_plant(g, fmt, t, co, covered)
        else:
            rid = ids[r.randrange(len(ids))]
            used.add(rid)
            vals = ()
            if fmt == "java":
                tr = traces[n % 2]
                used.add(tr)
                s = (f"{iso(t)} {g.pick(['INFO ', 'INFO ', 'DEBUG', 'WARN '])} [{g.pick(['main', 'http-nio-8443-exec-3', 'scheduler-1', 'pool-2-thread-4'])}] "
                     f"c.{g.pick(['t.a', 'x.s', 'b.k'])}.{g.pick(['RequestLog', 'TokenService', 'SyncJob', 'Cache'])} - {g.pick(LOG_MSGS)} request_id={rid} "
                     f"trace={tr} elapsed={r.randrange(1, 900)}ms")
            elif fmt == "nginx":
                d = utc(t)
                s = (f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)} - - [{d.day:02d}/{MONTHS[d.month - 1]}/{d.year}:"
                     f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} +0000] \"GET /{g.pick(['static', 'api/v2', 'assets'])}/{g.pick(WORDS)}"
                     f"{'?page=' + str(r.randrange(9)) if r.random() < 0.3 else ''} HTTP/1.1\" {g.pick(['200', '200', '304', '404'])} "
                     f"{r.randrange(100, 90000)} \"-\" \"{g.pick(list(UA.values()))}\" rid={rid}")
            else:
                s = json.dumps({"ts": iso(t), "level": g.pick(["info", "debug", "warn"]), "msg": g.pick(LOG_MSGS),
                                "request_id": rid, "duration_ms": r.randrange(1, 900), "service": g.pick(WORDS)})
        for v in vals:
            recs.text(s, [v], "log:line")
        lines.append(s)
        size += len(s) + 1
    for rid in ids + traces:
        if rid in used:
            recs.add(rid, "log:line")
    return ("\n".join(lines) + "\n").encode("utf-8")


def log_plant(g: Gen, fmt: str, t: int, co: Company, covered: set):
    r = g.rng
    # prefer classes still under quota
    opts = ["bearer", "ssws", "basic", "db", "aws", "cookie", "code", "slack", "xsrf", "stripe", "pii", "decoy", "decoy"]
    cover = {"bearer": "jwt", "ssws": "okta-ssws", "basic": "basic-auth", "db": "db-url-password",
             "aws": "aws-access-key", "cookie": "session-cookie", "code": "oauth-code", "slack": "slack-token",
             "xsrf": "okta-xsrf", "stripe": "stripe-key", "pii": "email", "decoy": "version"}
    needy = [o for o in opts if g.need(cover[o]) and cover[o] not in covered]
    k = needy[0] if needy and g.small else g.pick(opts)
    covered.add(cover[k])
    ts = iso(t)
    p = g.person()
    if k == "bearer":
        v = g.jwt(f"https://{co.okta}/oauth2/default", p, g.pick(["access", "app"]))
        return f"{ts} DEBUG [http-outgoing-3] o.a.h.headers - >> Authorization: Bearer {v}", [v]
    if k == "ssws":
        v = g.ssws()
        return f"{ts} DEBUG [okta-sync] c.o.s.RequestExecutor - >> Authorization: SSWS {v}", [v]
    if k == "basic":
        u, pw, cred = g.basic()
        return f"{ts} DEBUG [proxy] Outgoing request headers: {{'Authorization': 'Basic {cred}', 'Accept': '*/*'}}", [pw]
    if k == "db":
        url, pw = g.db_url(co)
        return f"{ts} ERROR [main] db.pool - could not connect to {url}: connection refused", [pw]
    if k == "aws":
        a, s = g.aws_key(), g.aws_secret()
        return f"{ts} WARN  [boot] aws.config - using static credentials aws_access_key_id={a} aws_secret_access_key={s}", [a, s]
    if k == "cookie":
        v = g.cookie(g.pick(["sid", "JSESSIONID", "PHPSESSID", "connect.sid"]))
        a = g.analytics()
        name = g.meta[v][2]["cookie"]
        return f"{ts} DEBUG [http-nio-8443-exec-9] c.t.a.CookieFilter - Cookie: {name}={v}; {a[0]}={a[1]}", [v, a[1]]
    if k == "code":
        c, s = g.code(), g.state()
        d = utc(t)
        return (f"10.0.{r.randrange(256)}.{r.randrange(1, 255)} - - [{d.day:02d}/{MONTHS[d.month - 1]}/{d.year}:{d.hour:02d}:{d.minute:02d}:{d.second:02d} +0000] "
                f"\"GET /login/callback?code={c}&state={s} HTTP/1.1\" 302 0 \"https://{co.okta}/\" \"{UA['chrome']}\"", [c, s])
    if k == "slack":
        v = g.slack()
        return f"{ts} WARN  [notifier] slack - chat.postMessage failed (ratelimited) token={v}", [v]
    if k == "xsrf":
        v = g.xsrf()
        return f"{ts} DEBUG [admin-proxy] headers - X-Okta-XsrfToken: {v}", [v]
    if k == "stripe":
        v = g.stripe()
        return f"{ts} INFO  [billing] stripe - initialised client with api_key={v}", [v]
    if k == "pii":
        return f"{ts} INFO  [auth] login ok user={p.email} phone={p.phone}", [p.email, p.phone]
    c, v, u = g.commit(), g.version(), g.uuid()
    ph = g.placeholder()
    return f"{ts} INFO  [boot] starting agent version={v} commit={c} tenant={u} api_token={ph}", [c, v, u, ph]


# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------

def enc_header_name(name: str) -> str:
    try:
        name.encode("ascii")
        return f'"{name}"'
    except UnicodeEncodeError:
        q = quopri.encodestring(name.encode("utf-8"), header=True).decode("ascii")
        return f"=?utf-8?q?{q}?="


def qp(text: str) -> str:
    return quopri.encodestring(text.replace("\n", "\r\n").encode("utf-8")).decode("ascii").replace("\r\n", "\n")


def make_message(g: Gen, recs: Recs, budget: int, attach_name: str | None, place: str = "eml"):
    """RFC 5322 message text; attachments nest their records under their names."""
    r = g.rng
    blocks = Blocks(g)
    p = g.person()
    t = g.capture_ms()
    vals = []
    paras = [g.pick(["Hello,", "Hi Support,", "Dear team,"]), g.prose(r.randrange(2, 5))]
    nb = r.randrange(1, 4) if g.small else r.randrange(0, 3)
    for _ in range(nb):
        text, vs = blocks.block(p)
        paras.append(text)
        vals += vs
    sig, vs = signature(g, p)
    paras.append(sig)
    vals += vs
    text = "\n\n".join(paras) + "\n"
    html_text = "<html><body>" + "".join("<p>" + html.escape(x, quote=False).replace("\n", "<br>\n") + "</p>\n"
                                         for x in paras) + "</body></html>\n"
    bnd = "=_mix_" + g.hexs(24)
    alt = "=_alt_" + g.hexs(24)
    mid_v = g.reg("message-id", f"{g._uuid()}@mail.{p.company.domain}")
    mid = f"<{mid_v}>"
    cc = g.person()
    subj = g.pick(["Re: [#{}] SSO login loop", "HAR capture for case #{}", "Fwd: API token errors (case {})",
                   "Re: [#{}] Users locked out"]).format(g.ticket_id + r.randrange(1, 500))
    te = "quoted-printable" if r.random() < 0.8 else "8bit"
    body_text = qp(text) if te == "quoted-printable" else text
    body_html = qp(html_text) if te == "quoted-printable" else html_text
    hdr = (f"Return-Path: <{p.email}>\n"
           f"Received: from mail-{g.hexs(6)}.{p.company.domain} (mail.{p.company.domain} [203.0.113.{r.randrange(1, 255)}])\n"
           f"\tby mx.{VENDOR_DOMAIN} with ESMTPS id {g.tok(ALNUM, 12)}; {rfc2822(t)}\n"
           f"From: {enc_header_name(p.name)} <{p.email}>\n"
           f"To: {VENDOR} Support <support@{VENDOR_DOMAIN}>\n"
           f"Cc: {enc_header_name(cc.name)} <{cc.email}>\n"
           f"Subject: {subj}\nDate: {rfc2822(t)}\nMessage-ID: {mid}\nMIME-Version: 1.0\n"
           f"Content-Type: multipart/mixed; boundary=\"{bnd}\"\n\n")
    parts = [f"This is a multi-part message in MIME format.\n\n--{bnd}\n"
             f"Content-Type: multipart/alternative; boundary=\"{alt}\"\n\n"
             f"--{alt}\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: {te}\n\n{body_text}\n"
             f"--{alt}\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: {te}\n\n{body_html}\n"
             f"--{alt}--\n"]
    for v in dict.fromkeys(vals):
        recs.text(text, [v], f"{place}:text/plain({te})")
        recs.text(html_text, [v], f"{place}:text/html({te})")
    recs.add(mid_v, f"{place}:header.message-id")
    recs.add(p.email, f"{place}:header.from")
    recs.add(p.email, f"{place}:header.return-path")
    recs.add(cc.email, f"{place}:header.cc")
    recs.add(g.reg("email", f"support@{VENDOR_DOMAIN}"), f"{place}:header.to")
    if attach_name:
        inner = Recs(g)
        data, _ = make_har(g, max(3000, budget - len(text) * 3), inner, k=1 if g.small else None, embedded=True)
        if attach_name.endswith(".gz"):
            data = gzip_bytes(data, attach_name[:-3])
            recs.nest(attach_name, nest_under(g, attach_name[:-3], inner))
            ctype = "application/gzip"
        else:
            recs.nest(attach_name, inner)
            ctype = "application/json"
        enc = base64.encodebytes(data).decode("ascii")
        parts.append(f"--{bnd}\nContent-Type: {ctype}; name=\"{attach_name}\"\n"
                     f"Content-Disposition: attachment; filename=\"{attach_name}\"\n"
                     f"Content-Transfer-Encoding: base64\n\n{enc}")
    parts.append(f"--{bnd}--\n")
    return hdr + "\n".join(parts)


def nest_under(g: Gen, member: str, inner: Recs) -> Recs:
    out = Recs(g)
    out.nest(member, inner)
    return out


def make_eml(g: Gen, budget: int, recs: Recs, idx: int) -> bytes:
    r = g.rng
    att = None
    if r.random() < 0.85:
        att = f"capture-{idx}-{g.hexs(4)}.har" + (".gz" if r.random() < 0.35 else "")
    return make_message(g, recs, budget, att).encode("utf-8")


def make_mbox(g: Gen, budget: int, recs: Recs, idx: int) -> bytes:
    r = g.rng
    out = []
    size = 0
    i = 0
    while size < budget or i < 2:
        i += 1
        att = None
        if r.random() < 0.5 and (not g.small or (i == 1 and budget > 15000)):
            att = f"msg{i}-capture-{g.hexs(4)}.har" + (".gz" if r.random() < 0.3 else "")
        per = min(max(2000, budget - size), max(4000, budget // 3))
        msg = make_message(g, recs, per, att, place="mbox")
        # mboxrd: quote lines starting with From
        msg = re.sub(r"(?m)^(>*From )", r">\1", msg)
        frm = re.search(r"^Return-Path: <([^>]+)>", msg, re.M).group(1)
        block = f"From {frm} {asctime(g.capture_ms())}\n{msg}\n"
        out.append(block)
        size += len(block)
        if i > 500:
            break
    return "".join(out).encode("utf-8")


# ---------------------------------------------------------------------------
# Archives (deterministic: fixed timestamps, ownership, ordering)
# ---------------------------------------------------------------------------

ZIP_TIME = (2024, 3, 5, 12, 0, 0)
TAR_MTIME = 1709640000


def gzip_bytes(data: bytes, name: str) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=buf, mtime=0, compresslevel=6) as f:
        f.write(data)
    return buf.getvalue()


def zip_bytes(members) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            stored = name.endswith((".zip", ".gz", ".png"))
            zi.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            z.writestr(zi, data, compresslevel=None if stored else 6)
    return buf.getvalue()


def tgz_bytes(members, name: str) -> bytes:
    raw = io.BytesIO()
    with gzip.GzipFile(filename=name[:-3] if name.endswith(".gz") else name, mode="wb", fileobj=raw,
                       mtime=0, compresslevel=6) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for mname, data in members:
                ti = tarfile.TarInfo(mname)
                ti.size = len(data)
                ti.mtime = TAR_MTIME
                ti.mode = 0o644
                ti.uid = ti.gid = 1000
                ti.uname = ti.gname = "support"
                tf.addfile(ti, io.BytesIO(data))
    return raw.getvalue()


def env_file(g: Gen, recs: Recs, co: Company) -> bytes:
    url, pw = g.db_url(co)
    k, s = g.aws_key(), g.aws_secret()
    sk = g.stripe()
    ph = g.placeholder()
    text = (f"# generated by deploy tooling\nNODE_ENV=production\nDATABASE_URL={url}\nAWS_ACCESS_KEY_ID={k}\n"
            f"aws_secret_access_key={s}\nSTRIPE_API_KEY={sk}\nSENTRY_DSN_TOKEN={ph}\nRELEASE={g.version()}\n")
    recs.text(text, [pw, k, s, sk, ph], "env:line")
    return text.encode()


def ticket_folder(g: Gen, budget: int, recs: Recs, prefix: str):
    """Members of one ticket folder: comments.jsonl, a HAR, sometimes a log/key/png."""
    r = g.rng
    blocks = Blocks(g)
    inner = Recs(g)
    t = make_ticket(g, blocks, inner, max(2000, budget // 6))
    tid = t["id"]
    folder = f"{prefix}case-{tid}/"
    comments = t.pop("comments")
    lines = [json.dumps({"type": "ticket", **t}, ensure_ascii=False, separators=(",", ":"))]
    lines += [json.dumps({"type": "comment", "ticket_id": tid, **c}, ensure_ascii=False, separators=(",", ":")) for c in comments]
    members = [(folder + "comments.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))]
    recs.nest(folder + "comments.jsonl", inner)
    hrecs = Recs(g)
    har, hint = make_har(g, max(4000, int(budget * 0.7)), hrecs, k=1 if g.small else None, embedded=True)
    hname = folder + f"attachments/{hint}.har"
    members.append((hname, har))
    recs.nest(hname, hrecs)
    if r.random() < 0.4:
        lrecs = Recs(g)
        members.append((folder + "attachments/connector.log", make_log(g, max(2000, budget // 8), lrecs)))
        recs.nest(folder + "attachments/connector.log", lrecs)
    if r.random() < 0.2 or g.need("private-key"):
        k = g.pem()
        members.append((folder + "attachments/id_rsa", (k + "\n").encode()))
        krecs = Recs(g)
        krecs.add(k, "file:pem")
        recs.nest(folder + "attachments/id_rsa", krecs)
    if r.random() < 0.3:
        members.append((folder + "attachments/screenshot.png", g.binary("png", min(r.randrange(5000, 40000), budget // 6))))
    return members


def make_zip(g: Gen, budget: int, recs: Recs) -> bytes:
    members = []
    size = 0
    while size < budget or not members:
        per = min(max(6000, budget - size), g.rng.randrange(20000, 400000) if not g.small else 12000)
        m = ticket_folder(g, per, recs, "")
        members += m
        size += sum(len(d) for _, d in m)
    return zip_bytes(members)


def make_zipzip(g: Gen, budget: int, recs: Recs, idx: int) -> bytes:
    r = g.rng
    inner_recs = Recs(g)
    parts = []
    n_inner = 1 if budget < 200000 else r.randrange(1, 4)
    for j in range(n_inner):
        rr = Recs(g)
        data = make_zip(g, budget // n_inner, rr)
        name = f"export-{idx}/tickets-part-{j + 1}.zip"
        parts.append((name, data))
        inner_recs.nest(name, rr)
    # a loose JSONL next to the inner zips
    jr = Recs(g)
    jl = make_tickets(g, max(3000, budget // 10), jr, jsonl=True)
    parts.append((f"export-{idx}/open-tickets.jsonl", jl))
    inner_recs.nest(f"export-{idx}/open-tickets.jsonl", jr)
    manifest = json.dumps({"export": idx, "created": iso(g.capture_ms()), "files": [n for n, _ in parts]}, indent=2)
    parts.insert(0, (f"export-{idx}/manifest.json", manifest.encode()))
    recs.items.extend(inner_recs.items)
    return zip_bytes(parts)


def make_tgz(g: Gen, budget: int, recs: Recs, name: str) -> bytes:
    r = g.rng
    base = name[:-7]
    members = []
    co = g.company()
    er = Recs(g)
    members.append((f"{base}/config/app.env", env_file(g, er, co)))
    recs.nest(f"{base}/config/app.env", er)
    size = 0
    i = 0
    while size < budget or i < 2:
        i += 1
        k = i % 3
        per = min(max(4000, budget - size), r.randrange(20000, 600000) if not g.small else 10000)
        rr = Recs(g)
        if k == 1:
            data, hint = make_har(g, per, rr, k=1 if g.small else None, embedded=True)
            m = f"{base}/captures/{hint}-{i}.har"
        elif k == 2:
            data = make_log(g, per, rr)
            m = f"{base}/logs/{g.pick(['app', 'auth', 'sync', 'gateway'])}-{i}.log"
        else:
            data = make_tickets(g, per, rr, jsonl=True)
            m = f"{base}/tickets/export-{i}.jsonl"
        members.append((m, data))
        recs.nest(m, rr)
        size += len(data)
        if i > 200:
            break
    return tgz_bytes(members, name)


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

# kind -> (share of bytes, subdirectory)
KINDS = {
    "har": (0.40, "har"), "har.gz": (0.04, "har"), "json": (0.07, "tickets"), "jsonl": (0.07, "tickets"),
    "csv": (0.02, "reports"), "log": (0.10, "logs"), "eml": (0.06, "mail"), "mbox": (0.06, "mail"),
    "zip": (0.08, "archives"), "tar.gz": (0.06, "archives"), "zipzip": (0.04, "archives"),
}
# rough output/uncompressed ratio to size compressed members
RATIO = {"har.gz": 0.45, "zip": 0.45, "tar.gz": 0.45, "zipzip": 0.5}
SUBDIRS = sorted({d for _, d in KINDS.values()})


def parse_size(s: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?[bB])?\s*", s)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size: {s!r} (use e.g. 300K, 5M, 200M)")
    n = float(m.group(1))
    mult = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[m.group(2).lower()]
    return int(n * mult)


def typical(g: Gen, kind: str) -> int:
    """A per-document size drawn for this corpus size."""
    r = g.rng
    T = g.target
    lo, hi = {"har": (20_000, min(30_000_000, T // 8)), "har.gz": (20_000, min(8_000_000, T // 20)),
              "json": (15_000, min(8_000_000, T // 15)), "jsonl": (15_000, min(8_000_000, T // 15)),
              "csv": (4_000, 2_000_000), "log": (8_000, min(6_000_000, T // 15)),
              "eml": (10_000, min(3_000_000, T // 60)), "mbox": (20_000, min(12_000_000, T // 12)),
              "zip": (20_000, min(10_000_000, T // 12)), "tar.gz": (20_000, min(10_000_000, T // 12)),
              "zipzip": (30_000, min(8_000_000, T // 15))}[kind]
    lo = min(lo, max(3000, T // 60))
    hi = max(hi, lo + 1)
    return int(math.exp(r.uniform(math.log(lo), math.log(hi))))


class Writer:
    def __init__(self, out: str):
        self.out = out
        self.total = 0
        self.per_kind: dict[str, int] = {}
        self.files: list[str] = []

    def write(self, rel: str, data: bytes, kind: str) -> None:
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        self.total += len(data)
        self.per_kind[kind] = self.per_kind.get(kind, 0) + len(data)
        self.files.append(rel)


def prepare_out(out: str) -> None:
    if os.path.exists(out):
        entries = os.listdir(out)
        if entries:
            if "ground-truth.jsonl" not in entries:
                sys.exit(f"gen.py: {out} is not empty and holds no ground-truth.jsonl; refusing to overwrite")
            for e in entries:
                p = os.path.join(out, e)
                if e in SUBDIRS and os.path.isdir(p):
                    shutil.rmtree(p)
                elif e == "ground-truth.jsonl":
                    os.remove(p)
    os.makedirs(out, exist_ok=True)


def generate(out: str, seed: int, target: int, quiet: bool = False, values: str | None = None) -> dict:
    g = Gen(seed, target)
    w = Writer(out)
    ratio = dict(RATIO)  # adapted as archives are written; never mutate the module default
    counters: dict[str, int] = {}
    shares = {k: v[0] for k, v in KINDS.items()}
    produced = {k: 0 for k in KINDS}
    order = list(KINDS)

    def name_for(kind: str, hint: str = "") -> str:
        counters[kind] = counters.get(kind, 0) + 1
        i = counters[kind]
        sub = KINDS[kind][1]
        if kind == "har":
            return f"{sub}/{hint}-{i:04d}.har"
        if kind == "har.gz":
            return f"{sub}/{hint}-{i:04d}.har.gz"
        if kind == "json":
            return f"{sub}/zendesk-incremental-{i:04d}.json"
        if kind == "jsonl":
            return f"{sub}/zendesk-bulk-{i:04d}.jsonl"
        if kind == "csv":
            return f"{sub}/support-users-report{'' if i == 1 else '-' + str(i)}.csv"
        if kind == "log":
            return f"{sub}/{g.pick(['app', 'auth-gateway', 'okta-sync', 'api', 'connector'])}-{i:04d}.log"
        if kind == "eml":
            return f"{sub}/case-{g.ticket_id + i}-{i:04d}.eml"
        if kind == "mbox":
            return f"{sub}/support-inbox-{i:04d}.mbox"
        if kind == "zip":
            return f"{sub}/zendesk-case-export-{i:04d}.zip"
        if kind == "tar.gz":
            return f"{sub}/support-bundle-{i:04d}.tar.gz"
        return f"{sub}/bulk-export-{i:04d}.zip"

    t0 = time.time()
    first_round = list(order)
    end_phase = max(40_000, target * 0.05)
    topups = 0
    while True:
        budget_left = target - w.total - g.truth.est_size()
        needy = [c for c in KIND if g.need(c)]
        if not first_round and budget_left <= max(2048, target * 0.004) and not (needy and topups < 5):
            break
        if first_round:
            kind = first_round.pop(0)
        elif needy and (budget_left < end_phase or g.small):
            kind = "jsonl"   # top up classes still under quota with ticket blocks
            topups += 1
            if os.environ.get("GEN_DEBUG"):
                print("topup for", {c: g.counts[c] for c in needy}, file=sys.stderr)
        elif budget_left < end_phase:
            # finish with documents whose size is easy to control
            content = target - g.truth.est_size()
            kind = max(("log", "jsonl", "json"), key=lambda k: shares[k] * content - produced[k])
        else:
            content = target - g.truth.est_size()
            kind = max(order, key=lambda k: shares[k] * content - produced[k] - (1e12 if k == "csv" and produced[k] else 0))
        deficit = shares[kind] * (target - g.truth.est_size()) - produced[kind]
        want = typical(g, kind)
        want = int(min(want, max(deficit, 3000), max(budget_left, 2000)))
        if kind == "csv":
            want = int(max(2000, min(deficit, budget_left)))
        elif not first_round and budget_left < end_phase and kind != "jsonl":
            want = int(max(2000, budget_left * 0.85))
        logical = int(want / ratio.get(kind, 1.0))
        recs = Recs(g)
        if kind == "har":
            data, hint = make_har(g, logical, recs, k=g.rng.randrange(1, 3) if want < 30000 else None)
            rel = name_for(kind, hint)
        elif kind == "har.gz":
            inner = Recs(g)
            raw, hint = make_har(g, logical, inner, k=1 if g.small else None)
            rel = name_for(kind, hint)
            base = os.path.basename(rel)[:-3]
            data = gzip_bytes(raw, base)
            recs.nest(base, inner)
            actual_ratio = len(data) / max(1, len(raw))
            ratio["har.gz"] = 0.7 * ratio["har.gz"] + 0.3 * actual_ratio
        elif kind in ("json", "jsonl"):
            data = make_tickets(g, logical, recs, jsonl=kind == "jsonl", topup=bool(needy) and not first_round)
            rel = name_for(kind)
        elif kind == "csv":
            data = make_csv(g, logical, recs)
            rel = name_for(kind)
        elif kind == "log":
            data = make_log(g, logical, recs)
            rel = name_for(kind)
        elif kind == "eml":
            rel = name_for(kind)
            data = make_eml(g, logical, recs, counters[kind])
        elif kind == "mbox":
            rel = name_for(kind)
            data = make_mbox(g, logical, recs, counters[kind])
        elif kind == "zip":
            data = make_zip(g, logical, recs)
            rel = name_for(kind)
        elif kind == "tar.gz":
            rel = name_for(kind)
            data = make_tgz(g, logical, recs, os.path.basename(rel))
        else:
            rel = name_for(kind)
            data = make_zipzip(g, logical, recs, counters[kind])
        if kind in ("zip", "tar.gz", "zipzip"):
            ratio[kind] = 0.6 * ratio[kind] + 0.4 * (len(data) / max(1, logical))
        w.write(rel, data, kind)
        g.truth.commit(rel, recs)
        if os.environ.get("GEN_DEBUG"):
            print(f"{kind:7s} want={want:9d} got={len(data):9d} total={w.total:10d} gt~{g.truth.est_size()} {rel}", file=sys.stderr)
        produced[kind] += len(data)
        if not quiet and target >= 20 * 1024 * 1024 and len(w.files) % 25 == 0:
            print(f"  {w.total / 1048576:8.1f} MiB  {len(w.files)} files  {time.time() - t0:6.1f}s", file=sys.stderr)
    # ground truth
    gt = "\n".join(g.truth.lines()) + "\n"
    w.write("ground-truth.jsonl", gt.encode("utf-8"), "ground-truth")
    if values:
        write_values(g, values)
    stats = {"target": target, "written": w.total, "files": len(w.files), "per_kind": w.per_kind,
             "classes": {c: n for c, n in g.counts.items()}, "entries": len(g.truth.entries),
             "seconds": round(time.time() - t0, 2)}
    return stats


def write_values(g: "Gen", path: str) -> None:
    """The planted values themselves, one JSON object a line, for tests that
    must check a value's bytes are gone (the redaction tests). Written outside
    the corpus and after it, so the corpus stays the same with or without it."""
    with open(path, "w", encoding="utf-8") as f:
        for v, (files, _places) in g.truth.entries.items():
            cls, alts, _attrs = g.meta[v]
            f.write(json.dumps({"kind": KIND[cls], "class": cls, "value": v, "alts": list(alts),
                                "files": list(files)}, ensure_ascii=False) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate a deterministic support-archive corpus with ground truth.")
    ap.add_argument("--out", required=True, help="output directory (created; a previous corpus there is replaced)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", type=parse_size, default=parse_size("5M"), help="total bytes, e.g. 300K, 5M, 200M (K=1024)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--stats", action="store_true", help="print a JSON summary on stdout")
    ap.add_argument("--values", metavar="FILE",
                    help="also write the planted values in clear to FILE (JSON Lines; keep it outside --out), for tests")
    a = ap.parse_args(argv)
    if a.size < 300 * 1024 and not a.quiet:
        print("gen.py: note: below ~300K the output may overshoot --size, because every class is still planted "
              f"{MIN_PER_CLASS}+ times and every document type is written once", file=sys.stderr)
    prepare_out(a.out)
    st = generate(a.out, a.seed, a.size, a.quiet, a.values)
    if a.stats:
        print(json.dumps(st, indent=2))
    elif not a.quiet:
        print(f"wrote {st['files']} files, {st['written']} bytes (target {st['target']}), "
              f"{st['entries']} ground-truth entries in {st['seconds']}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
