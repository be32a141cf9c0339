#!/usr/bin/env python3
"""Independent verifier of inspectd's entity draw.

Written from docs/ALGORITHM.md alone, with Python's standard library only:
it re-runs the entity draw of an audit bundle (the directory
`inspectctl export --bundle` writes) and compares it with the outcome the
bundle says was published.

    python3 tools/verify.py BUNDLE_DIR [--print]
    python3 tools/verify.py --chain BUNDLE_DIR...   (publication order)

Prints the digests to compare with the public plan and "verified: ...",
and exits 0, or "DIFFERENCE: <first difference>" and exits 1 (2 for a
bundle it cannot read). With --print it writes the selection as `uscc`
lines to stdout, the same bytes as outcome.csv's first column, and the
rest to stderr. The team draw is checked by `inspectctl verify`; this script
checks the days it chose from: the window's working days in teams.txt
against the bundle's calendars, and a calendar marked provisional against
the provisional rule (section "Working days" of docs/ALGORITHM.md).
A pledge campaign's bundle (policy `pledge`, with approvals.csv) is also
checked against the rule that made it (section "Pledge verification"): its
policy, entropy, id and population follow from its approvals, its item and
its draw date, and every approval's window end is the window's last day.
An annual plan's batch (a bundle with plan.txt) is checked against its
plan (section "Annual plans"): the plan's canonical text, the batch of the
campaign's id field for field, and the population within the task's scope.

The policy's numbers come from policy.txt. The standard library reads no
YAML, so this script reads the small part of YAML the policies use (block
mappings, flow mappings, plain scalars, comments) to check policy.txt
against policy.yaml; a policy written with more of YAML is reported and
its numbers taken from policy.txt alone (`inspectctl verify` checks them).
"""
import datetime
import hashlib
import os
import re
import stat
import sys

import verify_teams

PI_ONE = 10**12
FACTOR_ONE = 10**6
MASK64 = (1 << 64) - 1
MASK128 = (1 << 128) - 1
DXSM_MULTIPLIER = 0xDA942042E4DD58B5
HEADER = "uscc,class,score,region,industry,flags,last_inspected"
VISITS_HEADER = "uscc,date,campaign,items"
CAPS = ("any_item", "same_item")
CLASSES = "ABCD"
FLAGS = "BRPE"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10,
                30, 28]
EPOCH = datetime.date(1970, 1, 1).toordinal()


class Difference(Exception):
    """The bundle does not verify: the first difference found."""


class Unreadable(Exception):
    """The bundle cannot be read at all."""


# ---- section 5: PCG64 DXSM and bounded integers ----

class Pcg64Dxsm:
    def __init__(self, seed):
        self.state = int.from_bytes(seed[:16], "big")
        self.inc = int.from_bytes(seed[16:32], "big") | 1

    def next(self):
        s = self.state
        hi = s >> 64
        lo = (s & MASK64) | 1
        hi ^= hi >> 32
        hi = (hi * DXSM_MULTIPLIER) & MASK64
        hi ^= hi >> 48
        hi = (hi * lo) & MASK64
        self.state = (s * DXSM_MULTIPLIER + self.inc) & MASK128
        return hi

    def bounded(self, n):
        m = self.next() * n
        low = m & MASK64
        if low < n:
            t = ((1 << 64) - n) % n
            while low < t:
                m = self.next() * n
                low = m & MASK64
        return m >> 64


# ---- section 2: the population ----

def day_number(text):
    try:
        y, m, d = (int(x) for x in text.split("-"))
        if len(text) != 10 or not 1900 <= y <= 2999:
            raise ValueError
        return datetime.date(y, m, d).toordinal() - EPOCH
    except ValueError:
        return None


def digits(s):
    return s != "" and all(c in "0123456789" for c in s)


def uscc_problem(code):
    if len(code) != 18:
        return "uscc must be 18 characters"
    if any(c not in ALPHABET for c in code):
        return "uscc has a character outside GB 32100's alphabet"
    if not digits(code[2:8]):
        return "uscc characters 3-8 must be a region code"
    total = sum(ALPHABET.index(c) * w for c, w in zip(code, USCC_WEIGHTS))
    if ALPHABET[(31 - total % 31) % 31] != code[17]:
        return "uscc check character is wrong"
    return None


def parse_entity(line):
    """One CSV row into (uscc, class, score, region, industry, flags,
    last_inspected), or a reason."""
    f = line.split(",")
    if len(f) != 7:
        return "a row has 7 fields"
    uscc, cls, score, region, industry, flags, last = f
    problem = uscc_problem(uscc)
    if problem:
        return problem
    if len(cls) != 1 or cls not in CLASSES:
        return "class must be A, B, C or D"
    if score and not (len(score) <= 4 and digits(score)
                      and int(score) <= 1000):
        return "score must be an integer from 0 to 1000"
    if len(region) != 6 or not digits(region):
        return "region must be a 6-digit administrative code"
    if len(industry) > 5 or (industry and not (
            "A" <= industry[0] <= "T" and
            (len(industry) == 1 or digits(industry[1:])))):
        return "industry must be a GB/T 4754 code such as C1311"
    bits = 0
    for c in flags:
        if c not in FLAGS:
            return "flags may only hold B, R, P and E"
        if bits & (1 << FLAGS.index(c)):
            return "a flag is repeated"
        bits |= 1 << FLAGS.index(c)
    day = None
    if last:
        day = day_number(last)
        if day is None:
            return "last_inspected must be a date YYYY-MM-DD or empty"
    return (uscc, CLASSES.index(cls), int(score) if score else None,
            region, industry, bits, day, last)


def canonical_record(e):
    uscc, cls, score, region, industry, bits, _, last = e
    flags = "".join(c for i, c in enumerate(FLAGS) if bits >> i & 1)
    return "%s,%s,%s,%s,%s,%s,%s\n" % (
        uscc, CLASSES[cls], "" if score is None else score, region,
        industry, flags, last)


CODE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def parse_visit(line):
    """One visit row into (uscc, day, campaign, items), items sorted, or a
    reason."""
    f = line.split(",")
    if len(f) != 4:
        return "a visit is uscc,date,campaign,items"
    uscc, date, campaign, items = f
    problem = uscc_problem(uscc)
    if problem:
        return problem
    day = day_number(date) if len(date) == 10 else None
    if day is None:
        return "the visit's date must be YYYY-MM-DD"
    if not CODE.fullmatch(campaign):
        return "the campaign id is 1 to 64 letters, digits, '-', '_' or '.'"
    codes = items.split("+")
    if not all(CODE.fullmatch(c) for c in codes):
        return "items are 1 to 64 letters, digits, '-', '_' or '.', " \
               "joined by '+'"
    if len(codes) > 32:
        return "more than 32 items"
    codes.sort(key=str.encode)
    if len(set(codes)) != len(codes):
        return "an item is given twice"
    return uscc, day, campaign, "+".join(codes)


def read_population(text):
    """Entities (canonical order), their visits by uscc (each list in
    canonical order) and the digest of the canonical text (section 2)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [l[:-1] if l.endswith("\r") else l for l in lines]
    if not lines or lines[0] != HEADER:
        raise Difference("population.csv:1: header must be " + HEADER)
    end = lines.index(VISITS_HEADER) if VISITS_HEADER in lines else len(lines)
    entities = []
    for no, line in enumerate(lines[1:end], start=2):
        e = parse_entity(line)
        if isinstance(e, str):
            raise Difference("population.csv:%d: %s" % (no, e))
        entities.append(e)
    entities.sort(key=lambda e: e[0].encode())
    for a, b in zip(entities, entities[1:]):
        if a[0] == b[0]:
            raise Difference("population.csv: uscc %s appears twice" % a[0])
    canonical = HEADER + "\n" + "".join(canonical_record(e) for e in entities)
    visits = []
    for no, line in enumerate(lines[end + 1:], start=end + 2):
        v = parse_visit(line)
        if isinstance(v, str):
            raise Difference("population.csv:%d: %s" % (no, v))
        visits.append(v)
    records = sorted(("%s,%s,%s,%s\n" % (u, date_text(d), c, i)
                      for u, d, c, i in visits), key=str.encode)
    codes = {e[0] for e in entities}
    by_uscc = {}
    for u, d, c, i in visits:
        if u not in codes:
            raise Difference("population.csv: visits: uscc %s is not in the "
                             "population" % u)
        by_uscc.setdefault(u, []).append((d, c, i))
    if records:
        canonical += VISITS_HEADER + "\n" + "".join(records)
    return entities, by_uscc, hashlib.sha256(canonical.encode()).hexdigest()


# ---- section 3: the policy, from policy.txt ----

def read_policy_numbers(text):
    lines = text.split("\n")
    if lines[0] != "inspectd-policy-numbers/1":
        raise Unreadable("policy.txt: not inspectd-policy-numbers/1")
    policy = {"classes": {}, "flags": {}, "caps": {}, "merge": None}
    for line in lines[1:]:
        f = line.split(" ")
        if f == [""]:
            continue
        if f[0] == "design":
            policy["design"] = f[1]
        elif f[0] in ("size", "team_size"):
            policy[f[0]] = int(f[1])
        elif f[0] == "class":
            policy["classes"][f[1]] = {"rate": int(f[3]),
                                       "weight": int(f[5]),
                                       "cooldown": int(f[7])}
        elif f[0] == "flag":
            policy["flags"][f[1]] = {"factor": int(f[3]),
                                     "certain": f[5] == "1"}
        elif f[0] == "merge" and f[1] in ("join", "skip"):
            policy["merge"] = f[1]
        elif f[0] == "general_items_max_ratio" and len(f) == 2 and \
                digits(f[1]) and 0 < int(f[1]) < 10**6:
            policy["general_ratio_max"] = int(f[1])
        elif f[0] == "cap" and f[1] in CAPS:
            policy["caps"][f[1]] = {"visits": int(f[3]), "days": int(f[5]),
                                    "classes": f[7],
                                    "exempt_flags": f[9].strip("-")}
        else:
            raise Unreadable("policy.txt: unknown line " + line)
    return policy


class NotInSubset(Exception):
    """policy.yaml uses YAML beyond what this script reads."""


def yaml_scalar(text):
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if any(c in text for c in "[]{}&*!|>%@`"):
        raise NotInSubset(text)
    return text


def yaml_flow_mapping(text):
    if not (text.startswith("{") and text.endswith("}")):
        raise NotInSubset(text)
    out = {}
    for part in text[1:-1].split(","):
        key, sep, value = part.partition(":")
        if not sep:
            raise NotInSubset(text)
        out[key.strip()] = yaml_scalar(value.strip())
    return out


def yaml_subset(text):
    """Nested block mappings by indentation, flow mappings as values."""
    root = {}
    stack = [(-1, root)]
    for raw in text.split("\n"):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        key, sep, value = line.strip().partition(":")
        if not sep or "\t" in line[:indent]:
            raise NotInSubset(raw)
        value = value.strip()
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if value == "":
            parent[key] = {}
            stack.append((indent, parent[key]))
        elif value.startswith("{"):
            parent[key] = yaml_flow_mapping(value)
        else:
            parent[key] = yaml_scalar(value)
    return root


def units(text, places):
    """An exact decimal with at most `places` fraction digits, scaled."""
    m = re.fullmatch(r"(\d+)(?:\.(\d+))?", str(text))
    if not m or len(m.group(2) or "") > places:
        raise Difference("policy.yaml: %r is not a decimal with at most %d "
                         "fraction digits" % (text, places))
    return int(m.group(1)) * 10**places + int((m.group(2) or "").ljust(
        places, "0") or 0)


def check_policy_numbers(yaml_text, policy):
    """policy.txt states what policy.yaml says (section 3); False if the
    YAML is beyond this script's subset."""
    try:
        y = yaml_subset(yaml_text)
    except NotInSubset:
        return False
    classes, flags = y.get("classes", {}), y.get("flags", {}) or {}
    stated = {
        "design": y.get("design"),
        "size": int(y.get("size", 0)),
        "team_size": int(y.get("team_size", 2)),
        "classes": {c: {"rate": units(classes[c].get("rate", 0), 12),
                        "weight": units(classes[c].get("weight", 0), 6),
                        "cooldown": int(classes[c].get("cooldown_days", 0))}
                    for c in CLASSES},
        "flags": {f: {"factor": units(flags.get(f, {}).get("factor", 1), 6),
                      "certain": flags.get(f, {}).get("certain") == "true"}
                  for f in FLAGS},
        "caps": {k: {"visits": int(c["visits"]), "days": int(c["days"]),
                     "classes": "".join(x for x in CLASSES
                                        if x in c.get("classes", CLASSES)),
                     "exempt_flags": "".join(
                         x for x in FLAGS if x in c.get("exempt_flags", ""))}
                 for k, c in (y.get("caps", {}) or {}).items()},
        "merge": y.get("merge"),
    }
    ratio = units(y.get("general_items_max_ratio", 1), 6)
    if 0 < ratio < 10**6:
        stated["general_ratio_max"] = ratio
    if stated != policy:
        raise Difference("policy.txt: does not state the numbers of "
                         "policy.yaml")
    return True


# ---- sections 6 to 9: the entity draw ----

CERTAIN = "certain"


def group_value(policy, key):
    c, bits, cooling, capped = key & 3, key >> 2 & 15, key >> 6 & 1, key >> 7
    if cooling or capped:
        return 0
    present = [f for i, f in enumerate(FLAGS) if bits >> i & 1]
    if any(policy["flags"][f]["certain"] for f in present):
        return PI_ONE if policy["design"] == "stratified" else CERTAIN
    cls = policy["classes"][CLASSES[c]]
    v = cls["rate"] if policy["design"] == "stratified" else cls["weight"]
    for f in present:
        v = v * policy["flags"][f]["factor"] // FACTOR_ONE
    return min(v, PI_ONE) if policy["design"] == "stratified" else v


def expected_counts(policy, strata, size):
    """E_h for every stratum: (value, N) pairs, in stratum order."""
    if policy["design"] == "stratified":
        return [v * n for v, n in strata]
    n = size
    certain = sum(N for v, N in strata if v == CERTAIN)
    nonzero = sum(N for v, N in strata if v != 0)
    if n < certain or n > nonzero:
        raise Difference("draw: size %d cannot be met (%d certain, %d "
                         "drawable)" % (n, certain, nonzero))
    capped = [v == CERTAIN for v, _ in strata]
    while True:
        r = n - sum(N for (v, N), c in zip(strata, capped) if c)
        t = sum(N * v for (v, N), c in zip(strata, capped) if not c)
        newly = [not c and v != CERTAIN and v > 0 and r * v >= t
                 for (v, N), c in zip(strata, capped)]
        if not any(newly):
            break
        capped = [c or x for c, x in zip(capped, newly)]
    out, s_prev = [], 0
    for (v, N), c in zip(strata, capped):
        if c:
            out.append(N * PI_ONE)
            continue
        s = s_prev + N * v
        out.append(0 if t == 0 else
                   r * s * PI_ONE // t - r * s_prev * PI_ONE // t)
        s_prev = s
    return out


def sizes(policy, strata, expected, rng):
    if policy["design"] == "stratified":
        out = []
        for e in expected:
            t, f = divmod(e, PI_ONE)
            if f and rng.bounded(PI_ONE) < f:
                t += 1
            out.append(t)
        return out
    u = rng.bounded(PI_ONE)
    out, k_prev = [], 0
    for (v, N), e in zip(strata, expected):
        k = k_prev + e
        out.append(min((k + u) // PI_ONE - (k_prev + u) // PI_ONE, N))
        k_prev = k
    return out


def floyd(rng, n, t):
    m = n - t if t > n - t else t
    chosen = set()
    for j in range(n - m, n):
        x = rng.bounded(j + 1)
        chosen.add(j if x in chosen else x)
    return chosen if m == t else set(range(n)) - chosen


def capped(policy, e, visits, items, date):
    """Whether a cap of the policy holds entity e back (section 6)."""
    for name, cap in policy["caps"].items():
        if CLASSES[e[1]] not in cap["classes"] or any(
                e[5] >> FLAGS.index(f) & 1 for f in cap["exempt_flags"]):
            continue
        count = len({day for day, _, its in visits.get(e[0], ())
                     if abs(day - date) < cap["days"] and (
                         name == "any_item" or set(its.split("+")) & items)})
        if count >= cap["visits"]:
            return True
    return False


def draw(policy, population, date, size, seed, items=()):
    """The selection, in canonical order, and the expected visits (the
    sum of the strata's E_h, in PI_ONE units)."""
    entities, visits = population
    cooldown = [policy["classes"][c]["cooldown"] for c in CLASSES]
    keys = []
    for e in entities:
        cd = cooldown[e[1]]
        cooling = cd > 0 and e[6] is not None and e[6] > date - cd
        held = capped(policy, e, visits, set(items), date)
        keys.append(e[1] + 4 * e[5] + 64 * cooling + 128 * held)
    count = [0] * 256
    for k in keys:
        count[k] += 1
    stratum_of, strata = {}, []  # group key -> stratum; (value, N)
    start = 0  # capped groups (keys from 128) join only their own strata
    for key in range(256):
        if key == 128:
            start = len(strata)
        if not count[key]:
            continue
        v = group_value(policy, key)
        h = next((i for i, (w, _) in enumerate(strata)
                  if i >= start and w == v), None)
        if h is None:
            h = len(strata)
            strata.append((v, 0))
        strata[h] = (v, strata[h][1] + count[key])
        stratum_of[key] = h
    rng = Pcg64Dxsm(seed)
    expected = expected_counts(policy, strata, size)
    takes = sizes(policy, strata, expected, rng)
    ranks = [floyd(rng, N, t) for (_, N), t in zip(strata, takes)]
    seen = [0] * len(strata)
    selected = []
    for e, k in zip(entities, keys):
        h = stratum_of[k]
        if seen[h] in ranks[h]:
            selected.append(e[0])
        seen[h] += 1
    return selected, sum(expected)


# ---- section 4 and the bundle ----

def netstring(s):
    b = s.encode()
    return str(len(b)).encode() + b":" + b + b","


def derive_seed(m):
    enc = b"".join(netstring(x) for x in (
        "inspectd-draw/1", m["campaign"], m["policy_digest"],
        m["population_digest"], m["date"], m["entropy"]))
    return hashlib.sha256(enc).digest()


MANIFEST_KEYS = ["format", "campaign", "department", "policy", "algorithm",
                 "teams_algorithm", "date", "size", "entropy", "seed",
                 "population", "population_digest", "policy_digest",
                 "roster_digest", "selected"]


def read_manifest(text):
    """The 15 keys in order, then "file: NAME SHA256" lines ascending by
    name (into m["files"])."""
    m, files = {}, {}
    for no, line in enumerate(text.rstrip("\n").split("\n"), start=1):
        key, sep, value = line.partition(": ")
        want = MANIFEST_KEYS[no - 1] if no <= len(MANIFEST_KEYS) else "file"
        if not sep or key != want:
            raise Unreadable("MANIFEST:%d: not a valid line" % no)
        if key == "file":
            name, _, digest = value.partition(" ")
            if not re.fullmatch(r"[A-Za-z0-9._-]{1,31}", name) or \
                    name == "MANIFEST" or \
                    not re.fullmatch(r"[0-9a-f]{64}", digest) or \
                    (files and name <= list(files)[-1]):
                raise Unreadable("MANIFEST:%d: not a valid line" % no)
            files[name] = digest
        else:
            m[key] = value
    if len(m) != len(MANIFEST_KEYS) or m["format"] != "inspectd-bundle/1":
        raise Unreadable("MANIFEST: not an inspectd-bundle/1 manifest")
    if not files:
        raise Unreadable("MANIFEST: no file lines (the SHA-256 of each "
                         "file)")
    m["files"] = files
    return m


def check_files(bundle, m, names):
    """Each file the verification read has its digest in the MANIFEST, and
    the MANIFEST names no other."""
    for name in sorted(set(names) | set(m["files"])):
        if name not in m["files"]:
            raise Difference("MANIFEST: no file line for %s" % name)
        if name not in names:
            raise Difference("MANIFEST: names %s, which the bundle does not "
                             "have" % name)
        mine = hashlib.sha256(read(bundle, name, True)).hexdigest()
        if mine != m["files"][name]:
            raise Difference("%s: its SHA-256 is %s, the MANIFEST says %s"
                             % (name, mine, m["files"][name]))


def read(bundle, name, binary=False):
    """A bundle file: a regular file (a FIFO or a device such as /dev/zero
    is refused, not read for ever) of UTF-8 without a byte order mark."""
    path = "%s/%s" % (bundle, name)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise Unreadable("%s: not a regular file" % name)
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Unreadable("%s: %s" % (name, e.strerror))
    if data.startswith(b"\xef\xbb\xbf"):
        raise Unreadable("%s: starts with a byte order mark; bundle files "
                         "have none" % name)
    try:
        return data if binary else data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("%s: not UTF-8" % name)


# ---- working days: calendars and the provisional rule ----

# Gregorian (month, day) of 正月初一, 端午, 中秋 and 清明, 2025 to 2040,
# as docs/ALGORITHM.md lists them.
LUNAR = {
    2025: ((1, 29), (5, 31), (10, 6), (4, 4)),
    2026: ((2, 17), (6, 19), (9, 25), (4, 5)),
    2027: ((2, 6), (6, 9), (9, 15), (4, 5)),
    2028: ((1, 26), (5, 28), (10, 3), (4, 4)),
    2029: ((2, 13), (6, 16), (9, 22), (4, 4)),
    2030: ((2, 3), (6, 5), (9, 12), (4, 5)),
    2031: ((1, 23), (6, 24), (10, 1), (4, 5)),
    2032: ((2, 11), (6, 12), (9, 19), (4, 4)),
    2033: ((1, 31), (6, 1), (9, 8), (4, 4)),
    2034: ((2, 19), (6, 20), (9, 27), (4, 5)),
    2035: ((2, 8), (6, 10), (9, 16), (4, 5)),
    2036: ((1, 28), (5, 30), (10, 4), (4, 4)),
    2037: ((2, 15), (6, 18), (9, 24), (4, 4)),
    2038: ((2, 4), (6, 7), (9, 13), (4, 5)),
    2039: ((1, 24), (5, 27), (10, 2), (4, 5)),
    2040: ((2, 12), (6, 14), (9, 20), (4, 4)),
}


def weekday(day):
    """0 = Monday for a day number (1970-01-01 was a Thursday)."""
    return (day + 3) % 7


def civil(y, m, d):
    return datetime.date(y, m, d).toordinal() - EPOCH


def provisional_days_off(year):
    """The statutory holidays of year and the weekdays that make up for
    those on a weekend or on the day of another."""
    if year not in LUNAR:
        raise Difference("calendar %d is marked provisional, but the "
                         "provisional rule covers 2025 to 2040" % year)
    spring, dragon, autumn, qingming = (civil(year, *md)
                                        for md in LUNAR[year])
    holidays = sorted([civil(year, 1, 1), spring - 1, spring, spring + 1,
                       spring + 2, qingming, civil(year, 5, 1),
                       civil(year, 5, 2), dragon, autumn,
                       civil(year, 10, 1), civil(year, 10, 2),
                       civil(year, 10, 3)])
    made_up = set()
    for i, h in enumerate(holidays):
        shared = i > 0 and holidays[i - 1] == h
        if weekday(h) < 5 and not shared:
            continue
        day = h + 1
        while weekday(day) >= 5 or day in holidays or day in made_up:
            day += 1
        made_up.add(day)
    return set(holidays) | made_up


def calendar_list(value, lines):
    """A YAML sequence of dates, block or flow, without comments."""
    value = value.strip()
    if value.startswith("["):
        inner = value.strip("[]").strip()
        return [v.strip() for v in inner.split(",") if v.strip()]
    out = []
    while lines and lines[0].lstrip().startswith("- "):
        out.append(lines.pop(0).lstrip()[2:].strip())
    return out


def parse_calendar(name, text):
    """year, provisional, days off, extra working days of cn-YYYY.yaml."""
    lines = [re.sub(r"(^|\s)#.*$", "", ln).rstrip()
             for ln in text.split("\n")]
    lines = [ln for ln in lines if ln.strip()]
    cal = {"provisional": False, "holidays": [], "workdays": []}
    while lines:
        key, sep, value = lines.pop(0).partition(":")
        if not sep:
            raise Unreadable("%s: not the calendar format" % name)
        key = key.strip()
        if key == "year":
            if not value.strip().isdigit():
                raise Unreadable("%s: year is not a number" % name)
            cal["year"] = int(value)
        elif key == "provisional":
            cal["provisional"] = value.strip() == "true"
        elif key in ("holidays", "workdays"):
            cal[key] = calendar_list(value, lines)
        else:
            raise Unreadable("%s: unknown key %s" % (name, key))
    if "year" not in cal:
        raise Unreadable("%s: no year" % name)
    def day(text):
        d = day_number(text)
        if d is None:
            raise Unreadable("%s: %r is not a date" % (name, text))
        return d
    off = set()
    for span in cal["holidays"]:
        a, _, b = span.partition("..")
        off.update(range(day(a), day(b or a) + 1))
    work = {day(w) for w in cal["workdays"]}
    return cal["year"], cal["provisional"], off, work


def read_calendars(bundle):
    """Whether each day of the years the bundle's calendars cover is a
    working day (a day of no calendar is not in the mapping: the caller
    says what needed it), and the provisional years, each checked against
    the provisional rule. Shared by the window's days and, for a pledge
    campaign, the approvals' deadlines, which may reach back into an
    earlier year."""
    names = sorted(n for n in os.listdir(bundle)
                   if re.fullmatch(r"cn-[0-9]{4}\.yaml", n))
    working, provisional = {}, []
    for name in names:
        year, prov, off, work = parse_calendar(name, read(bundle, name))
        first, last = civil(year, 1, 1), civil(year, 12, 31)
        for day in range(first, last + 1):
            working[day] = (weekday(day) < 5 or day in work) and \
                day not in off
        if prov:
            provisional.append(year)
            rule = provisional_days_off(year)
            for day in range(first, last + 1):
                if working[day] != (weekday(day) < 5 and day not in rule):
                    raise Difference(
                        "calendar %d is marked provisional but %s is %s by "
                        "the provisional rule" % (year, date_text(day),
                                                  "off" if working[day]
                                                  else "a working day"))
    return working, provisional


def check_days(bundle, date):
    """teams.txt's days are the window's working days by the bundle's
    calendars; a provisional calendar follows the rule. Returns the
    provisional years. The calendars must cover the window; they may
    cover more (a pledge campaign's reach back to its earliest
    approval)."""
    working, provisional = read_calendars(bundle)
    window, days = None, []
    for line in read(bundle, "teams.txt").split("\n"):
        if line.startswith("window "):
            window = [day_number(d) for d in line.split()[1:3]]
        elif line.startswith("day "):
            days.append(day_number(line[4:]))
    if window is None or None in window or len(window) != 2:
        raise Unreadable("teams.txt: no window line")
    if window[0] <= date:
        raise Difference("teams.txt: the window starts on or before the "
                         "draw date")
    want = []
    for day in range(window[0], window[1] + 1):
        if day not in working:
            raise Difference("calendars: the bundle's calendars do not "
                             "cover the window")
        if working[day]:
            want.append(day)
    if want != days:
        raise Difference("teams.txt: its days are not the working days of "
                         "the window by the calendars")
    return provisional


def date_text(day):
    return datetime.date.fromordinal(day + EPOCH).isoformat()


def verify(bundle):
    m = read_manifest(read(bundle, "MANIFEST"))
    if m["algorithm"] != "inspectd-draw/1":
        raise Unreadable("MANIFEST: algorithm %s is not inspectd-draw/1"
                         % m["algorithm"])
    if hashlib.sha256(read(bundle, "policy.yaml", True)).hexdigest() != \
            m["policy_digest"]:
        raise Difference("policy.yaml: its SHA-256 is not the policy digest")
    policy = read_policy_numbers(read(bundle, "policy.txt"))
    if not check_policy_numbers(read(bundle, "policy.yaml"), policy):
        print("note: policy.yaml uses YAML beyond what this script reads; "
              "its numbers were taken from policy.txt", file=sys.stderr)
    entities, visits, digest = read_population(read(bundle,
                                                    "population.csv"))
    if digest != m["population_digest"]:
        raise Difference("population.csv: its digest is not the population "
                         "digest of the MANIFEST (an entity, class, score or "
                         "flag was changed)")
    if len(entities) != int(m["population"]):
        raise Difference("population.csv: %d entities, the MANIFEST says %s"
                         % (len(entities), m["population"]))
    seed = derive_seed(m)
    if seed.hex() != m["seed"]:
        raise Difference("seed: campaign, digests, date and entropy give %s, "
                         "the MANIFEST says %s" % (seed.hex(), m["seed"]))
    # Before the draw, as inspectctl verify does, so that both report the
    # same first difference.
    m["pledge"] = check_pledges(bundle, m, entities)
    if os.path.lexists("%s/plan.txt" % bundle):
        check_plan(bundle, m, entities)
    date = day_number(m["date"])
    size = int(m["size"]) or policy["size"]
    items = [l[5:].split(" ")[0] for l in read(bundle, "teams.txt")
             .split("\n") if l.startswith("item ")]
    selected, expected = draw(policy, (entities, visits), date, size, seed,
                              items)
    has = {f: os.path.lexists("%s/%s" % (bundle, f))
           for f in ("outcome.csv", "refusal.txt", "items.yaml",
                     "approvals.csv", "plan.txt")}
    if has["outcome.csv"] == has["refusal.txt"]:
        raise Difference("the bundle has %s of outcome.csv and refusal.txt; "
                         "it has one of them"
                         % ("both" if has["outcome.csv"] else "neither"))
    outcome = None
    if has["outcome.csv"]:
        outcome = read(bundle, "outcome.csv").rstrip("\n").split("\n")
        if outcome[0] != "uscc,date,team":
            raise Unreadable("outcome.csv:1: header must be uscc,date,team")
        published = [line.split(",")[0] for line in outcome[1:]]
        for k, (mine, theirs) in enumerate(zip(selected, published)):
            if mine != theirs:
                raise Difference("selection: the draw selects %s where "
                                 "outcome.csv line %d has %s"
                                 % (mine, k + 2, theirs))
        if len(selected) != len(published) or \
                len(selected) != int(m["selected"]):
            raise Difference("selection: the draw selects %d, outcome.csv "
                             "lists %d, the MANIFEST says %s"
                             % (len(selected), len(published),
                                m["selected"]))
    elif len(selected) != int(m["selected"]):
        raise Difference("selection: the draw selects %d, the MANIFEST says "
                         "%s" % (len(selected), m["selected"]))
    calendars = sorted(f for f in os.listdir(bundle)
                       if re.fullmatch(r"cn-[0-9]{4}\.yaml", f))
    provisional = check_days(bundle, date)
    check_teams(bundle, m, policy, (entities, visits), selected, outcome,
                seed)
    has["visit_items.csv"] = os.path.lexists("%s/visit_items.csv" % bundle)
    check_visit_items(bundle, policy, selected, seed, has, expected,
                      len(entities))
    check_files(bundle, m, ["policy.yaml", "policy.txt", "population.csv",
                            "roster.csv", "teams.txt"] +
                [f for f in has if has[f]] + calendars)
    return m, selected, provisional


# ---- items per visit (inspectd-items/1) ----

ITEMS_ALGORITHM = "inspectd-items/1"
ITEM_SHARE_ONE = 10**6


def item_share(text):
    """CODE or CODE:SHARE into (code, share in millionths), None if it is
    neither: SHARE a decimal of at most 6 places from 0.000001 to 1."""
    code, colon, share = text.partition(":")
    if not CODE.fullmatch(code):
        return None
    if not colon:
        return code, ITEM_SHARE_ONE
    m = re.fullmatch(r"([0-9]+)(?:\.([0-9]{1,6}))?", share)
    if not m:
        return None
    units = int(m.group(1)) * ITEM_SHARE_ONE + \
        int((m.group(2) or "").ljust(6, "0"))
    return (code, units) if 0 < units <= ITEM_SHARE_ONE else None


def visit_items(seed, shares, n):
    """Each visit's items as a set of item numbers (section "Items per
    visit"): an item of share s below 1 at a uniform random subset of
    floor(s n) visits, or one more with the chance of the remainder."""
    every = {i for i, s in enumerate(shares) if s == ITEM_SHARE_ONE}
    out = [set(every) for _ in range(n)]
    if len(every) == len(shares) or n == 0:
        return out
    text = "%d:%s,64:%s," % (len(ITEMS_ALGORITHM), ITEMS_ALGORITHM,
                              seed.hex())
    rng = Pcg64Dxsm(hashlib.sha256(text.encode()).digest())
    for i, s in enumerate(shares):
        if s == ITEM_SHARE_ONE:
            continue
        take, rest = divmod(s * n, ITEM_SHARE_ONE)
        if rest and rng.bounded(ITEM_SHARE_ONE) < rest:
            take += 1
        for k in floyd(rng, n, take):
            out[k].add(i)
    return out


def check_visit_items(bundle, policy, selected, seed, has, expected, pool):
    """No general item reaches more of the pool than the policy allows;
    with item shares in teams.txt, visit_items.csv is each visit's items
    as the draw gives them."""
    def fail(why):
        raise Difference(why)
    inputs = verify_teams.read_team_inputs(read(bundle, "teams.txt"), fail)
    shares = inputs["item_shares"]
    drawn = any(s != ITEM_SHARE_ONE for s in shares)
    if not drawn and has["visit_items.csv"]:
        fail("visit_items.csv: teams.txt gives no item a share: every "
             "visit checks every item")
    if drawn and ITEM_SHARE_ONE not in shares:
        fail("teams.txt: every item has a share: none is checked at every "
             "visit")
    if drawn and has["outcome.csv"] and not has["visit_items.csv"]:
        fail("teams.txt gives items shares, but the bundle has no "
             "visit_items.csv")
    if drawn and not has["outcome.csv"] and has["visit_items.csv"]:
        fail("visit_items.csv: a refused campaign has no visits")
    limit = policy.get("general_ratio_max")
    if limit:
        if not has["items.yaml"]:
            fail("the policy limits general items, but the bundle has no "
                 "items.yaml")
        listed = read_items(read(bundle, "items.yaml")) or {}
        for code, s in zip(inputs["items"], shares):
            # s/10^6 × expected/10^12 / pool <= limit/10^6
            if code in listed and listed[code].get("kind") != "key" and \
                    s * expected > limit * pool * PI_ONE:
                fail("teams.txt: %s is a general item: the draw would "
                     "check it at %s of the pool, above the policy's "
                     "general_items_max_ratio %s (a key item has no limit)"
                     % (code, ratio_text(s * expected,
                                         ITEM_SHARE_ONE * pool * PI_ONE),
                        share_text(limit)))
    if not drawn or not has["outcome.csv"]:
        return
    want = "uscc,items\n" + "".join(
        "%s,%s\n" % (u, "+".join(c for i, c in enumerate(inputs["items"])
                                 if i in got))
        for u, got in zip(selected, visit_items(seed, shares,
                                                len(selected))))
    theirs = read(bundle, "visit_items.csv")
    if want != theirs:
        line = 1 + want[:next((i for i, (a, b) in
                               enumerate(zip(want, theirs)) if a != b),
                              min(len(want), len(theirs)))].count("\n")
        fail("visit_items.csv: line %d is not the items the draw gives "
             "(docs/ALGORITHM.md, \"Items per visit\")" % line)


def ratio_text(num, den):
    """num/den (0 < num < den) in decimal: its digits after "0." up to
    the 15th significant one, truncated, trailing zeros dropped."""
    if num == 0 or num >= den:
        return "0" if num == 0 else "1"
    digits_, significant, r = "", 0, num
    while significant < 15 and r:
        r *= 10
        digits_ += str(r // den)
        r %= den
        significant += significant > 0 or digits_[-1] != "0"
    return "0." + digits_.rstrip("0")


def share_text(units):
    return ("%d.%06d" % divmod(units, ITEM_SHARE_ONE)).rstrip("0") \
        .rstrip(".")


# ---- annual plans: a batch's bundle against its plan (plan.txt) ----

PLAN_FORMAT = "inspectd-plan/1"
PLAN_MAX_TEXT = 256
DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
PLAN_TASK = re.compile(r"task (%s) (directed|undirected) (%s) (\S+) (\S+) "
                       r"(\S+) (\S+) ([0-9]+) (.+)" % (CODE.pattern,
                                                       CODE.pattern))
PLAN_BATCH = re.compile(r"batch (%s) (%s) (%s) (%s) (%s) (%s) ([0-9]+) (.+)"
                        % (CODE.pattern, CODE.pattern, DAY, DAY, DAY, DAY))


def plan_list(text, each, what, most):
    """A comma-joined list of a task line, "-" for an empty one."""
    if text == "-":
        return []
    v = text.split(",")
    if len(v) > most or not all(each(x) for x in v):
        raise Difference("plan.txt: %s %r are not %s" % (what, text, what))
    return v


def read_plan(text):
    """plan.txt, strictly (docs/ALGORITHM.md, "Annual plans"): its
    department, and its tasks, each a dict with its batches."""
    if not text.startswith(PLAN_FORMAT + "\n"):
        raise Difference("plan.txt: line 1: not " + PLAN_FORMAT)
    if not text.endswith("\n"):
        raise Difference("plan.txt: not a line of text ended by a line feed")
    lines = text[:-1].split("\n")
    head = {}
    tasks = []
    for no, line in enumerate(lines[1:], start=2):
        if any(ord(c) < 32 or ord(c) == 127 for c in line):
            raise Difference("plan.txt: line %d: not a line of text ended "
                             "by a line feed" % no)
        key = ("plan", "department", "year", "title")
        if no - 2 < 4:
            k = key[no - 2]
            if not line.startswith(k + " "):
                raise Difference("plan.txt: line %d: '%s' is not a line of "
                                 "%s here" % (no, line[:60], PLAN_FORMAT))
            head[k] = line[len(k) + 1:]
            if k == "title" and len(head[k].encode()) > PLAN_MAX_TEXT:
                raise Difference("plan.txt: line %d: '%s' is not a line of "
                                 "%s here" % (no, line[:60], PLAN_FORMAT))
            continue
        t = PLAN_TASK.fullmatch(line)
        b = PLAN_BATCH.fullmatch(line)
        # names, titles and sources: at most PLAN_MAX_TEXT bytes
        if (t and len(t.group(9).encode()) > PLAN_MAX_TEXT) or \
                (b and len(b.group(8).encode()) > PLAN_MAX_TEXT):
            t = b = None
        if line.startswith("joining ") and not tasks:
            head.setdefault("joining", []).append(line[8:])
        elif t:
            tid, kind, policy, items, regions, industries, flags, quantity, \
                name = t.groups()
            tasks.append({
                "id": tid, "type": kind, "policy": policy, "name": name,
                "items": plan_list(items, item_share, "items", 32),
                "regions": plan_list(regions, lambda r: re.fullmatch(
                    r"[0-9]{1,6}", r), "regions", 64),
                "industries": plan_list(industries, lambda r: re.fullmatch(
                    r"[A-T][0-9]{0,4}", r), "industries", 64),
                "flags": "" if flags == "-" else flags,
                "quantity": quantity, "batches": [], "raw": t.groups()})
            if any(c not in FLAGS for c in tasks[-1]["flags"]):
                raise Difference("plan.txt: task %s's flags may only hold "
                                 "B, R, P and E" % tid)
        elif b and tasks and b.group(2) == tasks[-1]["id"]:
            days = [day_number(d) for d in b.groups()[2:6]]
            if None in days:
                raise Difference("plan.txt: line %d: a day is not "
                                 "YYYY-MM-DD" % no)
            tasks[-1]["batches"].append({"id": b.group(1), "days": days,
                                         "size": b.group(7),
                                         "raw": b.groups()})
        else:
            raise Difference("plan.txt: line %d: '%s' is not a line of %s "
                             "here" % (no, line[:60], PLAN_FORMAT))
    if len(head) < 4:
        raise Difference("plan.txt: the plan's head is cut short")
    for t in tasks:
        if not t["batches"]:
            raise Difference("plan.txt: task %s has no batch" % t["id"])
    # Canonical: written again from what it states, the same bytes.
    again = "%s\nplan %s\ndepartment %s\nyear %s\ntitle %s\n" % (
        PLAN_FORMAT, head["plan"], head["department"],
        int(head["year"]) if digits(head["year"]) else head["year"],
        head["title"])
    again += "".join("joining %s\n" % j for j in head.get("joining", []))
    for t in tasks:
        r = t["raw"]
        again += "task %s %s %s %s %s %s %s %d %s\n" % (
            r[0], r[1], r[2], ",".join(t["items"]),
            ",".join(t["regions"]) or "-", ",".join(t["industries"]) or "-",
            t["flags"] or "-", int(t["quantity"]), t["name"])
        for b in t["batches"]:
            r = b["raw"]
            again += "batch %s %s %s %d %s\n" % (
                r[0], r[1], " ".join(date_text(d) for d in b["days"]),
                int(b["size"]), r[7])
    if again != text:
        raise Difference("plan.txt: not the canonical text of the plan it "
                         "states")
    return head, tasks


def check_plan(bundle, m, entities):
    """The campaign is the plan's batch of its id, field for field, and
    drew from the task's scope."""
    head, tasks = read_plan(read(bundle, "plan.txt"))
    found = [(t, b) for t in tasks for b in t["batches"]
             if b["id"] == m["campaign"]]
    if not found:
        raise Difference("plan.txt: plan %s has no batch %s"
                         % (head["plan"], m["campaign"]))
    t, b = found[0]
    teams = read(bundle, "teams.txt").split("\n")
    items = [item_share(l[5:].replace(" ", ":")) for l in teams
             if l.startswith("item ")]
    window = [l[7:] for l in teams if l.startswith("window ")]
    freeze, _, first, last = b["days"]
    if head["department"] != m["department"]:
        raise Difference("plan.txt: the plan is %s's, the campaign %s's"
                         % (head["department"], m["department"]))
    if t["policy"] != m["policy"]:
        raise Difference("plan.txt: task %s's policy is %s, the campaign's "
                         "%s" % (t["id"], t["policy"], m["policy"]))
    if [item_share(i) for i in t["items"]] != items:
        raise Difference("plan.txt: task %s's items are %s, not the item "
                         "lines of teams.txt" % (t["id"],
                                                 ",".join(t["items"])))
    if window != ["%s %s" % (date_text(first), date_text(last))]:
        raise Difference("plan.txt: batch %s's window is not teams.txt's"
                         % b["id"])
    if int(b["size"]) != int(m["size"]):
        raise Difference("plan.txt: batch %s's size is %d, the MANIFEST's "
                         "%s" % (b["id"], int(b["size"]), m["size"]))
    if day_number(m["date"]) < freeze:
        raise Difference("plan.txt: batch %s is frozen on %s, the campaign "
                         "was drawn before" % (b["id"], date_text(freeze)))
    bits = sum(1 << FLAGS.index(c) for c in set(t["flags"]))
    for e in sorted(entities, key=lambda e: e[0].encode()):
        uscc, _, _, region, industry, flags = e[:6]
        inside = flags & bits == bits and \
            (not t["regions"] or any(region.startswith(r)
                                     for r in t["regions"])) and \
            (not t["industries"] or any(industry.startswith(i)
                                        for i in t["industries"]))
        if not inside:
            raise Difference("population.csv: %s is outside task %s's scope"
                             % (uscc, t["id"]))


def outcome_commitment(bundle):
    """SHA-256 of "salt <salt>\\n" (teams.txt's salt line, when there is
    one) followed by outcome.csv: what the public plan commits to."""
    salt = [l[5:] for l in read(bundle, "teams.txt").split("\n")
            if l.startswith("salt ")]
    head = ("salt %s\n" % salt[0]).encode() if salt else b""
    return hashlib.sha256(head + read(bundle, "outcome.csv", True)).hexdigest()


def read_items(text):
    """items.yaml in the small part of YAML the item list uses: a list of
    mappings under `items:`, comments after ` #`. None if it uses more."""
    items, cur = {}, None
    for line in text.split("\n"):
        line = re.sub(r"(^|\s)#.*$", "", line).rstrip()
        if not line.strip():
            continue
        if line.rstrip() == "items:":
            continue
        m = re.fullmatch(r"  (- |  )([a-z_]+): *(.*?) *", line)
        if not m:
            return None
        value = m.group(3)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if m.group(1) == "- ":
            cur = {}
        elif cur is None:
            return None
        cur[m.group(2)] = value
        if m.group(2) == "code":
            if value in items:
                raise Difference("items.yaml: item %s is listed twice"
                                 % value)
            items[value] = cur
    return items


def check_items(text, inputs):
    """teams.txt's departments (in order) and qualifications are those of
    its items by the bundle's item list."""
    items = read_items(text)
    if items is None:
        raise Unreadable("items.yaml uses YAML beyond what this script "
                         "reads (inspectctl verify reads it all)")
    if not inputs["items"]:
        raise Difference("teams.txt: no item lines, though the bundle has "
                         "an item list")
    depts, quals = [], set()
    for code in inputs["items"]:
        if code not in items:
            raise Difference("items.yaml: no item %s" % code)
        it = items[code]
        if it.get("department") not in depts:
            depts.append(it.get("department"))
        if it.get("qualification"):
            quals.add(it["qualification"])
    if depts != inputs["departments"] or \
            quals != set(inputs["qualifications"]):
        raise Difference("teams.txt: its departments and qualifications are "
                         "not those of its items by items.yaml")


# ---- pledge verification (inspectd-pledges/1) ----

PLEDGE_POLICY = "pledge"
PLEDGE_ENTROPY = "inspectd-pledges/1 "
PLEDGE_LATE_DAYS = 10
APPROVALS_HEADER = "uscc,item,date,number"
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def policy_name(text):
    """The top-level `name:` of policy.yaml, read line by line, so that a
    policy written with more YAML than yaml_subset reads still says
    whether it is the pledge policy (only pledge campaigns take that
    name, and their bundles are the ones with approvals.csv)."""
    for raw in text.split("\n"):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if line.startswith("name:"):
            value = line[5:].strip()
            if len(value) >= 2 and value[0] == value[-1] and \
                    value[0] in "'\"":
                value = value[1:-1]
            return value
    return None


def pledge_rule(items, code):
    """The item's `pledge` mapping as (verify as written, N): the policy
    document and the deadlines follow from it alone, so an item without
    one, or with one out of range, cannot have made the campaign."""
    if code not in items:
        raise Difference("items.yaml: no item %s (teams.txt's item)" % code)
    if len(code.encode()) > 36:
        raise Difference("items.yaml: pledge item %s: its code is longer "
                         "than 36 bytes" % code)
    text = items[code].get("pledge")
    if text is None:
        raise Difference("items.yaml: item %s has no pledge mapping: not a "
                         "pledge item" % code)
    try:
        rule = yaml_flow_mapping(text)
    except NotInSubset:
        raise Unreadable("items.yaml: item %s's pledge is not a flow "
                         "mapping {verify: ..., deadline_working_days: ...}"
                         % code)
    verify = rule.get("verify")
    if verify != "all":
        m = re.fullmatch(r"([0-9]+)(?:\.([0-9]{1,12}))?", verify or "")
        r = m and int(m.group(1)) * PI_ONE + \
            int((m.group(2) or "").ljust(12, "0"))
        if not m or not 0 < r <= PI_ONE:
            raise Difference("items.yaml: item %s: verify %s is neither "
                             "all nor a rate 0 < r <= 1 of at most 12 "
                             "fraction digits" % (code, verify))
    n = rule.get("deadline_working_days", "")
    if not digits(n) or len(n) > 3 or not 1 <= int(n) <= 200:
        raise Difference("items.yaml: item %s: deadline_working_days %s is "
                         "not a number from 1 to 200" % (code, n or "(none)"))
    return verify, int(n)


def pledge_policy(code, verify):
    """The policy document every pledge campaign of the item has, byte for
    byte: the rule fixes it, so nothing in it was chosen for the
    campaign."""
    rate = "1" if verify == "all" else verify
    return ("# inspectd pledge verification of item %s: verify %s\n"
            "name: pledge\n"
            "design: stratified\n"
            "team_size: 2\n"
            "classes:\n" % (code, verify) +
            "".join("  %s: {rate: %s}\n" % (c, rate) for c in CLASSES))


def parse_approval(line, item):
    """One approvals.csv row into (uscc, date as a day number, number), or
    a reason: a valid USCC, the campaign's own item, a real date and a
    number of 1 to 64 letters, digits, '-', '_' or '.'."""
    f = line.split(",")
    if len(f) != 4:
        return "an approval is uscc,item,date,number"
    uscc, its, date, number = f
    problem = uscc_problem(uscc)
    if problem:
        return problem
    if its != item:
        return "item %s is not the campaign's item %s" % (its, item)
    day = day_number(date) if DATE.fullmatch(date) else None
    if day is None:
        return "the date must be YYYY-MM-DD"
    if not CODE.fullmatch(number):
        return "the number is 1 to 64 letters, digits, '-', '_' or '.'"
    return uscc, day, number


def read_approvals(text, item):
    """approvals.csv: its header, then one line per approval ascending by
    uscc, then by number (bytes), each ended by a line feed, no number
    twice (an approval is known by its number). The approvals as (uscc,
    day, number)."""
    lines = text.split("\n")
    if lines[-1] != "":
        raise Difference("approvals.csv: its last line is not ended by a "
                         "line feed")
    lines.pop()
    if not lines or lines[0] != APPROVALS_HEADER:
        raise Difference("approvals.csv: line 1: the header must be "
                         + APPROVALS_HEADER)
    out, seen = [], {}
    for no, line in enumerate(lines[1:], start=2):
        a = parse_approval(line, item)
        if isinstance(a, str):
            raise Difference("approvals.csv: line %d: %s" % (no, a))
        if a[2] in seen:
            raise Difference("approvals.csv: line %d: number %s is on line "
                             "%d too" % (no, a[2], seen[a[2]]))
        seen[a[2]] = no
        if out and (a[0].encode(), a[2].encode()) <= \
                (out[-1][0].encode(), out[-1][2].encode()):
            raise Difference("approvals.csv: line %d: out of order (the "
                             "lines ascend by uscc, then by number)" % no)
        out.append(a)
    return out


def working_day_after(working, start, n, what):
    """The n-th working day after day start (start not counted), by the
    bundle's calendars; a day they do not cover is a difference, since
    the verifier cannot tell what the plan counted on it."""
    day = start
    while n:
        day += 1
        if day not in working:
            raise Difference("calendars: the bundle's calendars do not "
                             "cover %s, which %s needs" % (date_text(day),
                                                          what))
        if working[day]:
            n -= 1
    return day


def check_pledges(bundle, m, entities):
    """A bundle has approvals.csv exactly when its policy is named pledge;
    then everything the rule fixes is checked ("Pledge verification" in
    docs/ALGORITHM.md): the item is a pledge item, the approvals parse,
    the policy, entropy and id are the rule's, the population is the
    approvals' entities and every approval's window end is the window's
    last day. Returns (item, number of approvals), or None for a campaign
    of another policy."""
    has = os.path.lexists("%s/approvals.csv" % bundle)
    name = policy_name(read(bundle, "policy.yaml"))
    if has and name != PLEDGE_POLICY:
        raise Difference("approvals.csv: the bundle has it, but its policy "
                         "is named %s, not %s" % (name, PLEDGE_POLICY))
    if not has and name == PLEDGE_POLICY:
        raise Difference("approvals.csv: missing; the bundle of a campaign "
                         "of the policy %s has one" % PLEDGE_POLICY)
    if not has:
        return None
    if not os.path.lexists("%s/items.yaml" % bundle):
        raise Difference("items.yaml: missing; a pledge campaign's bundle "
                         "has the item list")
    items = read_items(read(bundle, "items.yaml"))
    if items is None:
        raise Unreadable("items.yaml uses YAML beyond what this script "
                         "reads (inspectctl verify reads it all)")

    def fail(why):
        raise Difference(why)
    inputs = verify_teams.read_team_inputs(read(bundle, "teams.txt"), fail)
    if len(inputs["items"]) != 1:
        raise Difference("teams.txt: %d item lines; a pledge campaign has "
                         "one" % len(inputs["items"]))
    code = inputs["items"][0]
    verify, n = pledge_rule(items, code)
    approvals = read_approvals(read(bundle, "approvals.csv"), code)
    if read(bundle, "policy.yaml", True) != pledge_policy(code, verify) \
            .encode():
        raise Difference("policy.yaml: not the pledge policy of item %s "
                         "(verify %s)" % (code, verify))
    draw = day_number(m["date"]) if DATE.fullmatch(m["date"]) else None
    window = inputs["window"]
    if draw is None:
        raise Difference("MANIFEST: date %s is not YYYY-MM-DD" % m["date"])
    if window is None or day_number(window[1]) is None:
        raise Difference("teams.txt: no window line with a real last day")
    end = day_number(window[1])
    if m["entropy"] != PLEDGE_ENTROPY + date_text(draw):
        raise Difference("MANIFEST: entropy %r, the rule's is %r"
                         % (m["entropy"], PLEDGE_ENTROPY + date_text(draw)))
    want = "PV-%s-%s-" % (date_text(draw).replace("-", ""),
                          date_text(end).replace("-", ""))
    # The planning's run of the day (1 to 999) stands before the code.
    if not re.fullmatch(re.escape(want) + r"[1-9][0-9]{0,2}-" +
                        re.escape(code), m["campaign"]):
        raise Difference("MANIFEST: campaign %s, the rule's id for draw "
                         "date %s, teams.txt's window end %s and item %s "
                         "is %s<run>-%s" % (m["campaign"], date_text(draw),
                                            date_text(end), code, want,
                                            code))
    if day_number(window[0]) != draw + 1:
        raise Difference("teams.txt: a pledge campaign's window starts the "
                         "day after its date")
    named = {a[0] for a in approvals}
    for e in entities:
        if e[0] not in named:
            raise Difference("population.csv: %s is no approval's entity"
                             % e[0])
    working, _ = read_calendars(bundle)
    first = working_day_after(working, draw, 1,
                              "the first working day after the draw date")
    late = None
    for _, day, number in approvals:
        if day > draw:
            raise Difference("approvals.csv: %s is dated after the "
                             "campaign's date" % number)
        deadline = working_day_after(working, day, n,
                                     "%s's deadline" % number)
        if deadline >= first:
            mine = deadline
        else:
            if late is None:
                late = working_day_after(
                    working, draw, PLEDGE_LATE_DAYS,
                    "a late approval's window end (%s)" % number)
            mine = late
        if mine != end:
            raise Difference("approvals.csv: %s's window end is %s (its "
                             "deadline %s), teams.txt's window ends %s"
                             % (number, date_text(mine), date_text(deadline),
                                date_text(end)))
    return code, len(approvals)


def read_refusal(text):
    """refusal.txt: its header, then the line "reason R"; R."""
    lines = text.split("\n")
    if len(lines) != 3 or lines[0] != "inspectd-refusal/1" or \
            not lines[1].startswith("reason ") or lines[2] != "":
        raise Difference('refusal.txt: not "inspectd-refusal/1" and one '
                         'line "reason ..."')
    return lines[1][7:]


def merges(policy, visits, selected, days):
    """The merged visits (docs/ALGORITHM.md, team draw): for each selected
    entity, in order, its earliest visit on record (in canonical order) on
    one of the window's working days, as teams.txt lists them."""
    if not policy["merge"]:
        return []
    out = []
    for u in selected:
        mine = sorted(visits.get(u, ()),
                      key=lambda v: (v[0], v[1].encode(), v[2].encode()))
        for day, campaign, _ in mine:
            if date_text(day) in days:
                out.append((u, date_text(day), campaign,
                            policy["merge"] == "skip"))
                break
    return out


def check_teams(bundle, m, policy, population, selected, outcome, seed):
    """The team draw again, from roster.csv and teams.txt: each visit's day
    and team as outcome.csv has them; the visits merged with others' as
    the policy gives them."""
    entities, visits = population
    roster_text = read(bundle, "roster.csv")
    if hashlib.sha256(roster_text.encode()).hexdigest() != \
            m["roster_digest"]:
        raise Difference("roster.csv: its SHA-256 is not the roster digest "
                         "of the MANIFEST")

    def fail(why):
        raise Difference(why)
    inspectors, quals = verify_teams.read_roster(roster_text, fail)
    inputs = verify_teams.read_team_inputs(read(bundle, "teams.txt"), fail)
    if inputs["team_size"] != policy["team_size"]:
        raise Difference("teams.txt: team_size %d, the policy says %d"
                         % (inputs["team_size"], policy["team_size"]))
    if os.path.lexists("%s/items.yaml" % bundle):
        check_items(read(bundle, "items.yaml"), inputs)
    elif inputs["items"]:
        raise Difference("teams.txt names its items, but the bundle has no "
                         "items.yaml")
    merged = merges(policy, visits, selected, inputs["days"])
    if merged != inputs["merged"]:
        raise Difference("teams.txt: its joined and skipped visits are not "
                         "those the policy gives from population.csv's "
                         "visits and the window's days")
    skipped = {u: d for u, d, _, skip in merged if skip}
    region = {e[0]: int(e[3]) for e in entities}
    rng = Pcg64Dxsm(verify_teams.team_stream_seed(seed))
    visited = [u for u in selected if u not in skipped]
    draw = verify_teams.TeamDraw(inspectors, quals, inputs,
                                 [(u, region[u]) for u in visited], rng,
                                 fail)
    try:
        teams = draw.draw()
    except verify_teams.Refused as e:
        if outcome is not None:
            raise Difference("teams: the team draw refuses the campaign: "
                             "%s" % e)
        said = read_refusal(read(bundle, "refusal.txt"))
        if str(e) != said:
            raise Difference('refusal: the team draw refuses with "%s", '
                             'refusal.txt says "%s"' % (e, said))
        return
    if outcome is None:
        raise Difference("refusal: the team draw staffs every visit, "
                         "refusal.txt says it refused: %s"
                         % read_refusal(read(bundle, "refusal.txt")))
    by_uscc = {u: (inputs["days"][d], ";".join(ids))
               for u, (d, ids) in zip(visited, teams)}
    by_uscc.update({u: (d, "") for u, d in skipped.items()})
    for k, uscc in enumerate(selected):
        day, ids = by_uscc[uscc]
        mine = "%s,%s,%s" % (uscc, day, ids)
        if mine != outcome[k + 1]:
            raise Difference("teams: %s goes on %s with %s, outcome.csv "
                             "line %d says %s" % (uscc, day, ids, k + 2,
                                                  outcome[k + 1]))


def check_chain(bundles):
    """Bundles in publication order, from the deployment's first campaign:
    each one's load and previous teams are those the outcomes of the
    bundles before it give ("Chains" in docs/ALGORITHM.md)."""
    load, last = {}, {}  # (id, day) -> visits; uscc -> team ids

    def fail(why):
        raise Difference(why)
    for b in bundles:
        inspectors, _ = verify_teams.read_roster(read(b, "roster.csv"), fail)
        inputs = verify_teams.read_team_inputs(read(b, "teams.txt"), fail)
        ids = [i["id"] for i in inspectors]
        claimed = {(u[0], u[1]): u[2] for u in inputs["used"]}
        for ident in ids:
            for day in inputs["days"]:
                want = load.get((ident, day), 0)
                got = claimed.get((ident, day), 0)
                if want != got:
                    raise Difference("%s: teams.txt claims %d visits for %s "
                                     "on %s, the earlier bundles' outcomes "
                                     "have %d" % (b, got, ident, day, want))
        # A refused campaign has no outcome: its claims are checked all
        # the same, and it adds no load.
        # A skipped visit ("uscc,day,": merged) had no team draw.
        rows = [r for r in (l.split(",") for l in
                            read(b, "outcome.csv").rstrip("\n")
                            .split("\n")[1:]) if r[2]] \
            if os.path.lexists("%s/outcome.csv" % b) else []
        for uscc in [r[0] for r in rows] + sorted(inputs["previous"]):
            want = [i for i in last.get(uscc, []) if i in ids]
            got = inputs["previous"].get(uscc, [])
            if want != got:
                raise Difference("%s: teams.txt gives %s the previous team "
                                 "'%s', the earlier bundles' outcomes give "
                                 "'%s'" % (b, uscc, ";".join(got),
                                          ";".join(want)))
        for uscc, day, team in rows:
            for ident in team.split(";"):
                load[(ident, day)] = load.get((ident, day), 0) + 1
            last[uscc] = team.split(";")


def answered(work):
    """work()'s result, or the exit status of the reason it gave none."""
    try:
        return work()
    except Unreadable as e:
        print("unreadable bundle: %s" % e)
        return 2
    except Difference as e:
        print("DIFFERENCE: %s" % e)
        return 1


def verify_chain(bundles):
    for b in bundles:
        m = verify(b)[0]
        print("%s: campaign %s team_inputs_digest %s %s"
              % (b, m["campaign"], hashlib.sha256(
                  read(b, "teams.txt", True)).hexdigest(),
                 "outcome_digest " + outcome_commitment(b)
                 if os.path.lexists("%s/outcome.csv" % b) else "refused"))
    check_chain(bundles)
    print("verified: a chain of %d bundles, each verified, and the load and "
          "previous teams of each as the outcomes before it give them "
          "(compare each bundle's digests with its plan on the public "
          "record)" % len(bundles))
    return 0


def main(argv):
    if len(argv) > 2 and argv[1] == "--chain":
        return answered(lambda: verify_chain(argv[2:]))
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != "--print"):
        print("usage: verify.py BUNDLE_DIR [--print]\n"
              "       verify.py --chain BUNDLE_DIR...", file=sys.stderr)
        return 2
    result = answered(lambda: verify(argv[1]))
    if isinstance(result, int):
        return result
    m, selected, provisional = result
    # With --print the selection goes to stdout alone, the summary to
    # stderr.
    out = sys.stdout
    if len(argv) == 3:
        sys.stdout.write("".join(u + "\n" for u in selected))
        out = sys.stderr
    for name, f in (("roster_digest", "roster.csv"),
                    ("items_digest", "items.yaml"),
                    ("team_inputs_digest", "teams.txt"),
                    ("plan_digest", "plan.txt")):
        if os.path.lexists("%s/%s" % (argv[1], f)):
            print("%s %s" % (name, hashlib.sha256(read(argv[1], f, True))
                             .hexdigest()), file=out)
    refused = os.path.lexists("%s/refusal.txt" % argv[1])
    if not refused:
        print("outcome_digest %s" % outcome_commitment(argv[1]), file=out)
    print("Compare each digest, the entropy and the seed with the "
          "campaign's public %s: the bundle is the %s campaign only if they "
          "are equal." % (
              "refusal (type=rejected on {insp}:public, with its reason)"
              if refused else
              "plan (type=plan on {insp}:public, and the disclosure)",
              "refused" if refused else "published"), file=out)
    print("verified: the entity draw of campaign %s, %d of %s entities, "
          "seed %s; %s; the window's working days by the calendars%s%s"
          % (m["campaign"], len(selected), m["population"], m["seed"],
             "the team draw refuses it: " +
             read_refusal(read(argv[1], "refusal.txt")) if refused else
             "each visit's team and day",
             " (provisional for %s, checked against the rule)"
             % ",".join(map(str, provisional)) if provisional else "",
             "; the pledge rule of item %s for its %d approvals (policy, "
             "entropy, id, population and window end)" % m["pledge"]
             if m["pledge"] else ""),
          file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
