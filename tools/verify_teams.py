"""The team and day draw (`inspectd-teams/1`) for tools/verify.py.

Written from docs/ALGORITHM.md ("The team draw") alone, with Python's
standard library only: given an audit bundle's roster.csv and teams.txt,
the selected entities with their regions and the campaign's seed, it draws
every visit's day and team again, so that outcome.csv can be compared.
"""
import hashlib
import re

TEAM_MAX = 10
PICK_TRIES = 32
ALGORITHM = "inspectd-teams/1"


class Refused(Exception):
    """The draw finds no team for a visit: the campaign is refused; the
    exception's text is the reason as docs/ALGORITHM.md words it."""


def read_roster(text, fail):
    """roster.csv: inspectors in file order, and the qualification names in
    the order of their first appearance (a name's bit is its index)."""
    lines = [l[:-1] if l.endswith("\r") else l for l in text.split("\n")]
    # The line end of the last row, and one empty line after it, end the
    # file (as the C reader does); any other empty line is a bad row.
    for _ in range(2):
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()
    header = ("id,name,badge,department,jurisdictions,qualifications,"
              "daily_capacity,conflicts,active")
    if not lines or lines[0] != header:
        fail("roster.csv:1: header must be " + header)
    inspectors, quals = [], []
    for no, line in enumerate(lines[1:], start=2):
        f = line.split(",")
        juris = f[4].split(";") if len(f) == 9 else []
        names = f[5].split(";") if len(f) == 9 and f[5] else []
        if len(f) != 9 or f[8] not in ("1", "0", "true", "false") or \
                not re.fullmatch(r"[0-9]{1,2}", f[6]) or \
                not 1 <= int(f[6]) <= 50 or not juris or \
                not all(re.fullmatch(r"[0-9]{1,6}", j) for j in juris) or \
                not all(0 < len(q.encode()) <= 32 and "\0" not in q
                        for q in names):
            fail("roster.csv:%d: not an inspector row" % no)
        bits = 0
        for q in names:
            if q not in quals:
                quals.append(q)
            bits |= 1 << quals.index(q)
        inspectors.append({
            "id": f[0], "department": f[3],
            "jurisdictions": juris,
            "quals": bits, "capacity": int(f[6]),
            "conflicts": set(f[7].split(";")) if f[7] else set(),
            "active": f[8] in ("1", "true")})
    return inspectors, quals


def read_team_inputs(text, fail):
    """teams.txt: team_size, departments and qualifications in order, the
    window and its days, other campaigns' load and previous teams, and the
    salt of the outcome's commitment."""
    try:
        return parse_team_inputs(text, fail)
    except (ValueError, IndexError):
        fail("teams.txt: a line does not read")


def parse_team_inputs(text, fail):
    t = {"team_size": 0, "departments": [], "qualifications": [],
         "days": [], "used": [], "previous": {}, "window": None,
         "salt": None, "items": [], "item_shares": [], "merged": []}
    lines = text.split("\n")
    if lines[0] != "inspectd-team-inputs/1":
        fail("teams.txt:1: not inspectd-team-inputs/1")
    number = re.compile(r"[0-9]+")
    date = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
    for no, line in enumerate(lines[1:], start=2):
        key, _, rest = line.partition(" ")
        f = rest.split(" ")
        if key == "team_size":
            if not number.fullmatch(rest) or \
                    not 2 <= int(rest) <= TEAM_MAX:
                fail("teams.txt:%d: team_size is from 2 to %d"
                     % (no, TEAM_MAX))
            t["team_size"] = int(rest)
        elif key == "department":
            t["departments"].append(rest)
        elif key == "qualification":
            t["qualifications"].append(rest)
        elif key == "day":
            if not date.fullmatch(rest):
                fail("teams.txt:%d: not a date" % no)
            t["days"].append(rest)
        elif key == "used":
            if len(f) != 3 or not f[0] or not date.fullmatch(f[1]) or \
                    not number.fullmatch(f[2]) or \
                    not 1 <= int(f[2]) <= 1000:
                fail("teams.txt:%d: used must be: id date count" % no)
            t["used"].append((f[0], f[1], int(f[2])))
        elif key == "previous":
            if len(f) != 2 or len(f[0]) != 18 or not f[1]:
                fail("teams.txt:%d: previous must be: uscc ids" % no)
            t["previous"][f[0]] = f[1].split(";")
        elif key in ("joined", "skipped"):
            if len(f) != 3 or len(f[0]) != 18 or not date.fullmatch(f[1]) \
                    or not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", f[2]):
                fail("teams.txt:%d: %s must be: uscc date campaign"
                     % (no, key))
            t["merged"].append((f[0], f[1], f[2], key == "skipped"))
        elif key == "window":
            if len(f) != 2 or not all(date.fullmatch(x) for x in f):
                fail("teams.txt:%d: window must be two dates" % no)
            t["window"] = f
        elif key == "salt":
            t["salt"] = rest
        elif key == "item":
            # CODE, or CODE SHARE: a share below 1 in millionths, written
            # as 0. and its digits without trailing zeros.
            code, _, share = rest.partition(" ")
            if share and not re.fullmatch(r"0\.[0-9]{0,5}[1-9]", share):
                fail("teams.txt:%d: an item's share is a decimal below 1, "
                     "as 0.25" % no)
            t["items"].append(code)
            t["item_shares"].append(
                int(share[2:].ljust(6, "0")) if share else 10**6)
        elif line == "" and no == len(lines):
            continue
        else:
            fail("teams.txt:%d: not a line of the team inputs" % no)
    return t


def team_stream_seed(seed):
    """The team draw's own stream: SHA-256 of the netstrings of the
    algorithm's name and the campaign seed in hex."""
    text = "%d:%s,64:%s," % (len(ALGORITHM), ALGORITHM, seed.hex())
    return hashlib.sha256(text.encode()).digest()


class TeamDraw:
    def __init__(self, inspectors, quals, inputs, visits, rng, fail):
        self.r = inspectors
        self.rng = rng
        self.departments = inputs["departments"]
        self.items = inputs["items"]
        self.team_size = inputs["team_size"]
        self.mask = 0
        for q in inputs["qualifications"]:
            if q not in quals:
                fail("qualification %s: no inspector of the roster holds "
                     "it" % q)
            self.mask |= 1 << quals.index(q)
        self.dept_of = [self.departments.index(i["department"])
                        if i["department"] in self.departments else -1
                        for i in inspectors]
        self.nd = len(inputs["days"])
        index = {i["id"]: k for k, i in enumerate(inspectors)}
        self.used = [[0] * self.nd for _ in inspectors]
        for ident, day, n in inputs["used"]:
            if ident not in index or day not in inputs["days"]:
                fail("used: inspector %s or day not in the draw" % ident)
            self.used[index[ident]][inputs["days"].index(day)] = n
        # A joined visit's day is fixed: the visit it joins.
        fixed = {u: inputs["days"].index(d)
                 for u, d, _, skipped in inputs["merged"]
                 if not skipped and d in inputs["days"]}
        self.fixed = []
        self.visits = []
        for uscc, region in visits:
            self.fixed.append(fixed.get(uscc))
            prev = []
            for ident in inputs["previous"].get(uscc, []):
                if ident not in index:
                    fail("previous team of %s: inspector %s is not on the "
                         "roster" % (uscc, ident))
                prev.append(index[ident])
            self.visits.append((uscc, region, prev))
        self.pools = {}

    # -- pools, eligibility --

    def pool(self, region):
        """Active inspectors of the campaign's departments covering the
        region, in roster order."""
        if region not in self.pools:
            code = "%06d" % (region % 1000000)
            self.pools[region] = [
                i for i, ins in enumerate(self.r)
                if ins["active"] and self.dept_of[i] >= 0 and
                any(code.startswith(j) for j in ins["jurisdictions"])]
        return self.pools[region]

    def excluded(self, k, i, members):
        uscc, _, prev = self.visits[k]
        return i in members or i in prev or uscc in self.r[i]["conflicts"]

    def qualifies(self, k, i, d, members, dept, qual):
        return (self.left[i][d] > 0 and not self.excluded(k, i, members)
                and (dept < 0 or self.dept_of[i] == dept)
                and (qual < 0 or self.r[i]["quals"] >> qual & 1))

    # -- step 2: picks and teams --

    def pick(self, pool, k, d, members, dept, qual):
        for _ in range(PICK_TRIES if pool else 0):
            i = pool[self.rng.bounded(len(pool))]
            if self.qualifies(k, i, d, members, dept, qual):
                return i
        cand = [i for i in pool
                if self.qualifies(k, i, d, members, dept, qual)]
        return cand[self.rng.bounded(len(cand))] if cand else None

    def seat(self, pool, k, d, members, dept, qual, repair):
        if len(members) == TEAM_MAX:
            return False
        i = self.pick(pool, k, d, members, dept, qual)
        if i is None and repair:
            i = self.free_seat(pool, k, d, members, dept, qual)
        if i is None:
            return False
        members.append(i)
        self.left[i][d] -= 1
        return True

    def fill_team(self, pool, k, d, members, repair):
        held = 0
        for dept in range(len(self.departments)):
            if not self.seat(pool, k, d, members, dept, -1, repair):
                return False
            held |= self.r[members[-1]]["quals"]
        for q in range(64):
            if not (self.mask >> q & 1) or held >> q & 1:
                continue
            if not self.seat(pool, k, d, members, -1, q, repair):
                return False
            held |= self.r[members[-1]]["quals"]
        while len(members) < self.team_size:
            if not self.seat(pool, k, d, members, -1, -1, repair):
                return False
        return True

    def place(self, k):
        pool = self.pool(self.visits[k][1])
        if self.fixed[k] is not None:  # joined: its day alone, no draw
            order = [self.fixed[k]]
        else:
            order = list(range(self.nd))
            for d in range(self.nd, 1, -1):
                j = self.rng.bounded(d)
                order[d - 1], order[j] = order[j], order[d - 1]
        for repair in (False, True):
            for d in order:
                members = []
                self.out[k] = members
                if self.fill_team(pool, k, d, members, repair):
                    self.day[k] = d
                    self.on_day[d].insert(0, k)
                    return True
                for i in members:
                    self.left[i][d] += 1
        return False

    # -- step 3: the repair --

    def move_elsewhere(self, k, d):
        if self.fixed[k] is not None:  # a joined visit keeps its day
            return False
        members = self.out[k]
        to = next((t for t in range(self.nd) if t != d and
                   all(self.left[i][t] > 0 for i in members)), None)
        if to is None:
            return False
        for i in members:
            self.left[i][to] -= 1
            self.left[i][d] += 1
        self.day[k] = to
        self.on_day[d].remove(k)
        self.on_day[to].insert(0, k)
        return True

    def keeps_rules(self, k, m, y):
        members = self.out[k]
        if self.excluded(k, y, members):
            return False
        x = members[m]
        held = self.r[y]["quals"]
        dept_kept = self.dept_of[y] == self.dept_of[x]
        for o, z in enumerate(members):
            if o != m:
                held |= self.r[z]["quals"]
                dept_kept |= self.dept_of[z] == self.dept_of[x]
        return dept_kept and held & self.mask == self.mask

    def reroute(self, d, y, via):
        while via[y] is not None:
            k, x = via[y]
            members = self.out[k]
            members[members.index(x)] = y
            self.left[y][d] -= 1
            self.left[x][d] += 1
            y = x
        return y

    def free_seat(self, pool, k, d, members, dept, qual):
        on = {}
        for w in self.on_day[d]:  # latest placed first
            for i in self.out[w]:
                on.setdefault(i, []).append(w)
        seen_i, seen_v, via, queue = set(), set(), {}, []
        for i in pool:
            if self.excluded(k, i, members) or \
                    (dept >= 0 and self.dept_of[i] != dept) or \
                    (qual >= 0 and not self.r[i]["quals"] >> qual & 1):
                continue
            seen_i.add(i)
            via[i] = None
            queue.append(i)
        head = 0
        while head < len(queue):
            x = queue[head]
            head += 1
            for w in on.get(x, []):
                if w in seen_v:
                    continue
                seen_v.add(w)
                if self.move_elsewhere(w, d):
                    return self.reroute(d, x, via)
                m = self.out[w].index(x)
                for y in self.pool(self.visits[w][1]):
                    if y in seen_i or not self.keeps_rules(w, m, y):
                        continue
                    seen_i.add(y)
                    via[y] = (w, x)
                    if self.left[y][d] > 0:
                        return self.reroute(d, y, via)
                    queue.append(y)
        return None

    # -- steps 0, 1, 4 --

    def offered(self, pool):
        return sum(max(self.r[i]["capacity"] - self.used[i][d], 0)
                   for i in pool for d in range(self.nd))

    def short_region(self):
        need = {}
        for _, region, _ in self.visits:
            need[region] = need.get(region, 0) + self.team_size
        for k, (_, region, _) in enumerate(self.visits):
            if need.get(region) and need[region] > \
                    self.offered(self.pool(region)):
                return k
            need[region] = 0
        return None

    def diagnosis(self, k):
        """Why visit k found no team: the visits that compete for its
        region's inspectors (those of every region whose pool has one of
        them) and the inspector-days they need, against what those
        inspectors offer."""
        region = self.visits[k][1]
        pool = self.pool(region)
        visits = sum(1 for v in self.visits
                     if v[1] == region or set(self.pool(v[1])) & set(pool))
        qualified = sum(1 for i in pool
                        if self.r[i]["quals"] & self.mask == self.mask)
        label = ("item " + ",".join(self.items) if self.items
                 else "the bundle's items")
        return ("region %06d, %s: %d visits need %d inspector-days of its %d "
                "eligible inspectors (%d holding every qualification), who "
                "offer %d in the window's %d working days"
                % (region, label, visits, visits * self.team_size,
                   len(pool), qualified, self.offered(pool), self.nd))

    def run_pass(self, order):
        self.left = [[max(ins["capacity"] - self.used[i][d], 0)
                      for d in range(self.nd)]
                     for i, ins in enumerate(self.r)]
        self.on_day = [[] for _ in range(self.nd)]
        for k in order:
            if not self.place(k):
                return k
        return None

    def draw(self):
        """Each visit's day index and team (inspector indices, in seat
        order)."""
        n = len(self.visits)
        self.out = [[] for _ in range(n)]
        self.day = [None] * n
        order = list(range(n))
        for k in range(n, 1, -1):
            j = self.rng.bounded(k)
            order[k - 1], order[j] = order[j], order[k - 1]
        failed = self.short_region()
        if failed is None:
            failed = self.run_pass(order)
            if failed is not None:
                order.sort(key=lambda k: len(self.pool(self.visits[k][1])))
                failed = self.run_pass(order)
        if failed is not None:
            raise Refused(self.diagnosis(failed))
        return [(self.day[k], [self.r[i]["id"] for i in self.out[k]])
                for k in range(n)]
