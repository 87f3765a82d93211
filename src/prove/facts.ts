/**
 * The facts of one decided event as SMT terms: the atomic facts a state and an event carry (typed
 * constants), the paths of src/vocab/paths.ts computed from them exactly as the accessors of
 * src/engine/context.ts compute them (members-after, tiers, roots that name nobody), and the
 * engine's guarantees over them as assumptions (members ≥ 1, roles exclusive, counts ≥ 0, …).
 *
 * The assumptions only ever remove states the engine cannot be in; anything left free is an
 * over-approximation, so a proof over these facts holds for every real state, and a refutation is
 * a candidate that ./witness.ts must still build and replay before it is shown as a breach.
 */
import type { DurationIR, VersionIR } from "../ir/types.js";
import { reachableMeasures, type ReachableMeasures } from "../ir/lower.js";
import { compileVersionData, type VersionData } from "../engine/version.js";
import { canonicalPath } from "../vocab/paths.js";
import type { DecidedEvent } from "../vocab/events.js";
import { addDuration, parseRfc3339 } from "../source/time.js";
import { ROLE, type Domain } from "./domain.js";
import type { B, N, Z3 } from "./solver.js";

export const USER_ROOTS = ["actor", "target", "approver", "creator"] as const;
export type UserRoot = (typeof USER_ROOTS)[number];

/** User facts of a root, stored per root (the same person under two roots is tied by assumptions). */
export const USER_BOOLS = ["verified", "accepted", "blacklisted", "management-suspended", "creation-cancelled", "muted"] as const;
export const USER_INTS = ["credit", "groups-created", "groups-joined", "role", "account-age"] as const;
export const GROUP_BOOLS = ["exists", "closed", "blacklisted", "posting-suspended", "has-info-page"] as const;
export const GROUP_INTS = ["members", "managers", "category", "age", "activity"] as const;
export const EVENT_BOOLS = ["approved"] as const;
export const EVENT_INTS = ["action", "role", "category", "before", "at", "now"] as const;

/** The boolean atom saying the event's actor and target are one user. */
export const SELF = "event.actor-is-target";

/** A value of the expression language: a boolean, or a number (every other type) that may be null. */
export type SVal = { t: "bool"; b: B } | { t: "num"; n: N; nul: B };

/** Every atomic fact of an encoding, by name (`actor.credit`, `group.members`, `event.at`, `window:group:30day`). */
export type Atom = { name: string; sort: "bool"; e: B } | { name: string; sort: "int"; e: N };

const DAY = 86_400_000;

/** The policy-wide engine guarantees that depend on which measures any version can apply. */
export function reachOf(versions: readonly VersionIR[]): ReachableMeasures {
  return reachableMeasures(versions);
}

/** Shortest and longest length in ms of a written duration (months and years are calendar units). */
export function durationBounds(d: DurationIR): [number, number] {
  switch (d.unit) {
    case "minute":
      return [d.amount * 60_000, d.amount * 60_000];
    case "hour":
      return [d.amount * 3_600_000, d.amount * 3_600_000];
    case "day":
      return [d.amount * DAY, d.amount * DAY];
    case "week":
      return [d.amount * 7 * DAY, d.amount * 7 * DAY];
    // Calendar lengths: 28–31 days a month, 365–366 a year, plus an hour either way for DST shifts.
    case "month":
      return [d.amount * 28 * DAY - 3_600_000, d.amount * 31 * DAY + 3_600_000];
    case "year":
      return [d.amount * 365 * DAY - 3_600_000, d.amount * 366 * DAY + 3_600_000];
  }
}

export interface FactsOptions {
  /** Constant names get this suffix (a second copy of the facts for two-state properties). */
  suffix?: string;
  /** Atoms to take from another copy instead of making new constants (all but the ones a property varies). */
  share?: ReadonlyMap<string, Atom>;
  /** Skip the version's effective window on `event.at` (diff: two versions judge the same event). */
  anyTime?: boolean;
}

/** The facts of event type `type` judged by version `v`. */
export class Facts {
  readonly atoms = new Map<string, Atom>();
  readonly assumptions: B[] = [];
  readonly data: VersionData;
  private readonly durations = new Map<string, N>();

  constructor(
    readonly z: Z3,
    readonly dom: Domain,
    readonly v: VersionIR,
    readonly index: number,
    readonly next: VersionIR | undefined,
    readonly type: DecidedEvent,
    readonly reach: ReachableMeasures,
    readonly opts: FactsOptions = {},
  ) {
    this.data = compileVersionData(v, index);
    this.declare();
  }

  private bool(name: string): B {
    const shared = this.opts.share?.get(name);
    if (shared !== undefined && shared.sort === "bool") return shared.e;
    const e = this.z.Bool.const(name + (this.opts.suffix ?? ""));
    this.atoms.set(name, { name, sort: "bool", e });
    return e;
  }

  private int(name: string): N {
    const shared = this.opts.share?.get(name);
    if (shared !== undefined && shared.sort === "int") return shared.e;
    const e = this.z.Int.const(name + (this.opts.suffix ?? ""));
    this.atoms.set(name, { name, sort: "int", e });
    return e;
  }

  b(name: string): B {
    const a = this.atoms.get(name) ?? this.opts.share?.get(name);
    if (a === undefined || a.sort !== "bool") throw new Error(`no boolean atom ${name}`);
    return a.e;
  }

  n(name: string): N {
    const a = this.atoms.get(name) ?? this.opts.share?.get(name);
    if (a === undefined || a.sort !== "int") throw new Error(`no integer atom ${name}`);
    return a.e;
  }

  private assume(...bs: B[]): void {
    this.assumptions.push(...bs);
  }

  private declare(): void {
    const z = this.z;
    const levels = this.data.levels.length;
    const cats = this.dom.categories.length;
    for (const f of GROUP_BOOLS) this.bool(`group.${f}`);
    for (const f of GROUP_INTS) this.int(`group.${f}`);
    for (const r of USER_ROOTS) {
      for (const f of USER_BOOLS) this.bool(`${r}.${f}`);
      for (const f of USER_INTS) this.int(`${r}.${f}`);
    }
    for (const f of EVENT_BOOLS) this.bool(`event.${f}`);
    for (const f of EVENT_INTS) this.int(`event.${f}`);
    const exists = this.b("group.exists");
    const members = this.n("group.members");
    this.assume(
      members.ge(1),
      this.n("group.managers").ge(0),
      this.n("group.managers").le(members.sub(1)),
      this.n("group.category").ge(0),
      this.n("group.category").le(cats),
      this.n("event.category").ge(0),
      this.n("event.category").le(cats),
      this.n("group.age").ge(0),
      this.n("group.activity").ge(0),
      this.n("event.action").ge(0),
      this.n("event.action").le(2),
      z.Or(this.n("event.role").eq(ROLE.member), this.n("event.role").eq(ROLE.manager)),
    );
    for (const r of USER_ROOTS) {
      const credit = this.n(`${r}.credit`);
      this.assume(
        credit.ge(0),
        credit.le(levels - 1),
        this.n(`${r}.groups-created`).ge(0),
        this.n(`${r}.groups-joined`).ge(this.n(`${r}.groups-created`)),
        this.n(`${r}.account-age`).ge(0),
        this.n(`${r}.role`).ge(ROLE.none),
        this.n(`${r}.role`).le(ROLE.creator),
      );
      // A member of the event's group is counted among the groups the user is in.
      this.assume(z.Implies(z.And(exists, this.n(`${r}.role`).ge(ROLE.member)), this.n(`${r}.groups-joined`).ge(1)));
      // Measures no version can apply never hold.
      if (!this.reach.blacklistUsers) this.assume(z.Not(this.b(`${r}.blacklisted`)));
      if (!this.reach.suspendManagement) this.assume(z.Not(this.b(`${r}.management-suspended`)));
      if (!this.reach.cancelCreation) this.assume(z.Not(this.b(`${r}.creation-cancelled`)));
    }
    // The creator root is the group's creator: always a member with the creator role, and the
    // group counts among the groups it created until it is closed.
    this.assume(this.n("creator.role").eq(ROLE.creator));
    this.assume(z.Implies(z.And(exists, z.Not(this.b("group.closed"))), this.n("creator.groups-created").ge(1)));
    // Exactly one member is the creator: any root holding that role is the creator, with the creator's facts.
    for (const r of ["actor", "target", "approver"] as const) {
      const same = [...USER_BOOLS.map((f) => this.b(`${r}.${f}`).eq(this.b(`creator.${f}`))), ...USER_INTS.filter((f) => f !== "role").map((f) => this.n(`${r}.${f}`).eq(this.n(`creator.${f}`)))];
      this.assume(z.Implies(this.n(`${r}.role`).eq(ROLE.creator), z.And(...same)));
      // Roles other than none need a member count that holds them besides the creator.
      this.assume(z.Implies(this.n(`${r}.role`).eq(ROLE.member), members.ge(2)));
      this.assume(z.Implies(this.n(`${r}.role`).eq(ROLE.manager), z.And(members.ge(2), this.n("group.managers").ge(1))));
    }
    this.declareSelf();
    if (!this.reach.closeGroup) this.assume(z.Not(this.b("group.closed")));
    if (!this.reach.suspendPosting) this.assume(z.Not(this.b("group.posting-suspended")));
    if (!this.reach.blacklistGroups) this.assume(z.Not(this.b("group.blacklisted")));
    // Time: the event is judged by this version, at an instant intake accepts; the clock is never behind it.
    const at = this.n("event.at");
    const now = this.n("event.now");
    this.assume(now.ge(at), at.ge(Date.UTC(1970, 0, 1)), now.lt(Date.UTC(2200, 0, 1)));
    if (!this.opts.anyTime) {
      this.assume(at.ge(this.data.effectiveMs));
      const nextMs = this.next === undefined ? undefined : parseRfc3339(this.next.effective);
      if (nextMs !== undefined) this.assume(at.lt(nextMs));
    }
  }

  /**
   * `event.actor-is-target`: the actor and the target of a `group.role` or a user-targeted
   * `group.manage` are the same user (intake accepts a user removing, muting or re-roling
   * themselves). Then every fact of the two roots is one fact (windows too, see `window`); when
   * they are two users, only one of them can be the creator, and a group holding both besides the
   * creator has the members (and managers) for both.
   */
  private declareSelf(): void {
    const z = this.z;
    const self = this.bool(SELF);
    const members = this.n("group.members");
    const target = this.present("target");
    this.assume(z.Implies(self, target));
    const same = [...USER_BOOLS.map((k) => this.b(`actor.${k}`).eq(this.b(`target.${k}`))), ...USER_INTS.map((k) => this.n(`actor.${k}`).eq(this.n(`target.${k}`)))];
    this.assume(z.Implies(self, z.And(...same)));
    const both = (role: number) => z.And(target, this.b("group.exists"), this.n("actor.role").eq(role), this.n("target.role").eq(role));
    const inGroup = (r: UserRoot) => z.Or(this.n(`${r}.role`).eq(ROLE.member), this.n(`${r}.role`).eq(ROLE.manager));
    const distinct = z.And(target, this.b("group.exists"), z.Not(self));
    this.assume(z.Implies(both(ROLE.creator), self));
    this.assume(z.Implies(z.And(distinct, inGroup("actor"), inGroup("target")), members.ge(3)));
    this.assume(z.Implies(both(ROLE.manager), z.Or(self, this.n("group.managers").ge(2))));
  }

  /** The length of a written duration: exact for minutes to weeks; for months and years one constant per length within its calendar bounds. */
  duration(d: DurationIR): N {
    const [lo, hi] = durationBounds(d);
    if (lo === hi) return this.z.Int.val(lo);
    const key = `duration:${d.amount}${d.unit}`;
    let e = this.durations.get(key);
    if (e === undefined) {
      const shared = this.opts.share?.get(key);
      e = shared !== undefined && shared.sort === "int" ? shared.e : this.int(key);
      this.durations.set(key, e);
      this.assume(e.ge(lo), e.le(hi));
    }
    return e;
  }

  /** `<root>.flags within D`: a count ≥ 0 per root and window (a root that names nobody counts 0). */
  window(path: string, within: DurationIR): SVal {
    const p = canonicalPath(path);
    const root = p.slice(0, p.indexOf("."));
    const key = `window:${root}:${within.amount}${within.unit}`;
    let e: N;
    const known = this.atoms.get(key) ?? this.opts.share?.get(key);
    if (known !== undefined && known.sort === "int") e = known.e;
    else {
      e = this.int(key);
      this.assume(e.ge(0));
      // The actor's and the target's flags are one count when they are one user.
      const other = root === "actor" ? "target" : root === "target" ? "actor" : null;
      if (other !== null) {
        const o = this.window(`${other}.flags`, within);
        if (o.t === "num") this.assume(this.z.Implies(this.b(SELF), o.n.eq(e)));
      }
    }
    const present = root === "group" ? this.b("group.exists") : this.present(root as UserRoot);
    return num(this.z.If(present, e, this.z.Int.val(0)) as N, this.z.Bool.val(false));
  }

  // -------------------------------------------------------------------------------------------
  // Roots and derived values, following src/engine/context.ts.

  /** The root names somebody on this event (context.ts ROOT_IDS). */
  present(root: UserRoot): B {
    const z = this.z;
    switch (root) {
      case "actor":
        return z.Bool.val(true);
      case "target":
        if (this.type === "group.role") return z.Bool.val(true);
        if (this.type === "group.manage") return this.n("event.action").neq(this.dom.actionCode("delete-message"));
        return z.Bool.val(false);
      case "approver":
        return this.type === "group.join" ? this.b("event.approved") : z.Bool.val(false);
      case "creator":
        return this.b("group.exists");
    }
  }

  /** A user root's role in the event's group (none when the root names nobody or there is no group). */
  role(root: UserRoot): N {
    const z = this.z;
    return z.If(z.And(this.present(root), this.b("group.exists")), this.n(`${root}.role`), z.Int.val(ROLE.none)) as N;
  }

  membersAfter(): N {
    const z = this.z;
    const exists = this.b("group.exists");
    const members = this.n("group.members");
    switch (this.type) {
      case "group.create":
        return z.Int.val(1);
      case "group.join":
        return z.If(exists, z.If(this.role("actor").neq(ROLE.none), members, members.add(1)), z.Int.val(1)) as N;
      default:
        return z.If(exists, members, z.Int.val(0)) as N;
    }
  }

  /** The category the engine's tier lookup uses for this event's `tier-after`, and for `group.category`. */
  groupCategory(): SVal {
    const z = this.z;
    if (this.type === "group.create") return num(this.n("event.category"), z.Bool.val(false));
    return num(this.n("group.category"), z.Not(this.b("group.exists")));
  }

  /** context.ts `tierOf`: the tier rank, or null, for a category code, a member count and an activity. */
  tierOf(category: N, members: N, activity: N): SVal {
    const z = this.z;
    const d = this.data;
    const tableFor = (code: number) => {
      const name = code === 0 ? null : this.dom.categories[code - 1]!;
      return (name === null ? undefined : d.tableOf.get(name)) ?? d.defaultTable;
    };
    const inTable = (table: VersionData["defaultTable"]): SVal => {
      if (table === null) return num(z.Int.val(-1), z.Bool.val(true));
      const tiers = table.tiers;
      let rank: N = z.Int.val(-1);
      let nul: B = z.Bool.val(true);
      for (let band = tiers.length - 1; band >= 0; band--) {
        const t = tiers[band]!;
        let value: N = z.Int.val(d.tierRank.get(t.name)!);
        for (let i = band + 1; i < tiers.length; i++) {
          const from = tiers[i]!.activityFrom;
          if (from !== null) value = z.If(activity.ge(from), z.Int.val(d.tierRank.get(tiers[i]!.name)!), value) as N;
        }
        const inBand = z.And(members.ge(t.minMembers), members.le(t.maxMembers));
        rank = z.If(inBand, value, rank) as N;
        nul = z.If(inBand, z.Bool.val(false), nul) as B;
      }
      return num(rank, nul);
    };
    const codes = [0, ...this.dom.categories.map((_, i) => i + 1)];
    let rank: N = z.Int.val(-1);
    let nul: B = z.Bool.val(true);
    for (const code of codes) {
      const t = inTable(tableFor(code));
      if (t.t !== "num") continue;
      rank = z.If(category.eq(code), t.n, rank) as N;
      nul = z.If(category.eq(code), t.nul, nul) as B;
    }
    return num(rank, nul);
  }

  tierNow(): SVal {
    const z = this.z;
    const t = this.tierOf(this.n("group.category"), this.n("group.members"), this.n("group.activity"));
    return t.t === "num" ? num(t.n, z.Or(t.nul, z.Not(this.b("group.exists")))) : t;
  }

  tierAfter(): SVal {
    const z = this.z;
    const exists = this.b("group.exists");
    const orNone = (t: SVal): SVal => (t.t === "num" ? num(t.n, z.Or(t.nul, z.Not(exists))) : t);
    switch (this.type) {
      case "group.create":
        return this.tierOf(this.n("event.category"), z.Int.val(1), z.Int.val(0));
      case "group.join":
        return orNone(this.tierOf(this.n("group.category"), this.membersAfter(), this.n("group.activity")));
      case "group.info":
        return orNone(this.tierOf(this.n("event.category"), this.n("group.members"), this.n("group.activity")));
      case "message.post":
        return orNone(this.tierOf(this.n("group.category"), this.n("group.members"), this.n("group.activity").add(1)));
      default:
        return this.tierNow();
    }
  }

  /** The value of a (non-window) path, as the engine's accessor computes it. */
  path(path: string): SVal {
    const z = this.z;
    const p = canonicalPath(path);
    const F = z.Bool.val(false);
    const exists = this.b("group.exists");
    switch (p) {
      case "event.at":
        return num(this.n("event.at"), F);
      case "now":
        return num(this.n("event.now"), F);
      case "event.action":
        return this.type === "group.manage" ? num(this.n("event.action"), F) : num(z.Int.val(-1), z.Bool.val(true));
      case "event.role":
        return this.type === "group.role" ? num(this.n("event.role"), F) : num(z.Int.val(-1), z.Bool.val(true));
      case "event.approved":
        return { t: "bool", b: this.type === "group.join" ? this.b("event.approved") : F };
      case "event.before":
        return this.type === "records.purge" ? num(this.n("event.before"), F) : num(z.Int.val(0), z.Bool.val(true));
    }
    const dot = p.indexOf(".");
    const root = p.slice(0, dot);
    const field = p.slice(dot + 1);
    if (root === "group") return this.groupPath(field, exists);
    if ((USER_ROOTS as readonly string[]).includes(root)) return this.userPath(root as UserRoot, field);
    throw new Unsupported(`path ${path}`);
  }

  private groupPath(field: string, exists: B): SVal {
    const z = this.z;
    const F = z.Bool.val(false);
    const flag = (name: string): SVal => ({ t: "bool", b: z.And(exists, this.b(`group.${name}`)) });
    switch (field) {
      case "exists":
      case "id-used":
        return { t: "bool", b: exists };
      case "members":
        return num(z.If(exists, this.n("group.members"), z.Int.val(0)) as N, F);
      case "members-after":
        return num(this.membersAfter(), F);
      case "tier":
        return this.tierNow();
      case "tier-after":
        return this.tierAfter();
      case "category":
        return this.groupCategory();
      case "category-known": {
        const known = this.data.categoryNames;
        const codes = [...known].map((c) => this.dom.categoryCode(c));
        const of = (e: N): B => z.Or(F, ...codes.map((c) => e.eq(c)));
        if (this.type === "group.create" || this.type === "group.info") return { t: "bool", b: of(this.n("event.category")) };
        return { t: "bool", b: z.And(exists, of(this.n("group.category"))) };
      }
      case "closed":
        return flag("closed");
      case "blacklisted":
        return flag("blacklisted");
      case "posting-suspended":
        return flag("posting-suspended");
      case "has-info-page":
        return flag("has-info-page");
      case "managers":
        return num(z.If(exists, this.n("group.managers"), z.Int.val(0)) as N, F);
      case "age":
        return num(this.n("group.age"), z.Not(exists));
      case "activity":
        return num(z.If(exists, this.n("group.activity"), z.Int.val(0)) as N, F);
      default:
        throw new Unsupported(`path group.${field}`);
    }
  }

  private userPath(root: UserRoot, field: string): SVal {
    const z = this.z;
    const F = z.Bool.val(false);
    const present = this.present(root);
    const flag = (name: string): SVal => ({ t: "bool", b: z.And(present, this.b(`${root}.${name}`)) });
    switch (field) {
      case "verified":
        return flag("verified");
      case "credit":
        return num(this.n(`${root}.credit`), z.Not(present));
      case "agreement-accepted":
        // Without an agreement section everyone counts as having accepted (context.ts agreementAccepted).
        return this.v.agreement === null ? { t: "bool", b: present } : flag("accepted");
      case "groups-created":
        return num(z.If(present, this.n(`${root}.groups-created`), z.Int.val(0)) as N, F);
      case "groups-joined":
        return num(z.If(present, this.n(`${root}.groups-joined`), z.Int.val(0)) as N, F);
      case "blacklisted":
        return flag("blacklisted");
      case "management-suspended":
        return flag("management-suspended");
      case "creation-cancelled":
        return flag("creation-cancelled");
      case "role":
        return num(this.role(root), F);
      case "muted":
        return { t: "bool", b: z.And(present, this.b("group.exists"), this.b(`${root}.muted`)) };
      case "account-age":
        return num(this.n(`${root}.account-age`), z.Not(present));
      default:
        throw new Unsupported(`path ${root}.${field}`);
    }
  }
}

/** A construct the encoding does not cover; the requirements it touches are left to the random streams. */
export class Unsupported extends Error {
  override name = "Unsupported";
}

export function num(n: N, nul: B): SVal {
  return { t: "num", n, nul };
}

/**
 * Preferences for a witness that ./witness.ts can build: distinct users for distinct roots, counts
 * that fit the group, no facts only measures make, modest sizes. Only witness search uses them
 * (a proof never does), so they cannot make anything look proved.
 */
export function buildable(f: Facts, withMeasures: boolean): B[] {
  const z = f.z;
  const exists = f.b("group.exists");
  const out: B[] = [];
  const roots = (["actor", "target", "approver"] as const).filter((r) => r !== "target" || f.type === "group.role" || f.type === "group.manage").filter((r) => r !== "approver" || f.type === "group.join");
  const one = (b: B): N => z.If(b, z.Int.val(1), z.Int.val(0)) as N;
  const isRole = (r: UserRoot, role: number): B => z.And(f.present(r), f.n(`${r}.role`).eq(role));
  let members: N = z.Int.val(1);
  let managers: N = z.Int.val(0);
  for (const r of roots) {
    // A user acting on themselves is placed in the group once.
    const counted = r === "target" ? z.Not(f.b(SELF)) : z.Bool.val(true);
    members = members.add(one(z.And(counted, z.Or(isRole(r, ROLE.member), isRole(r, ROLE.manager)))));
    managers = managers.add(one(z.And(counted, isRole(r, ROLE.manager))));
  }
  // A group with activity gets one more member: the witness's poster.
  members = members.add(one(f.n("group.activity").gt(0)));
  out.push(z.Implies(exists, z.And(f.n("group.members").ge(members), f.n("group.managers").ge(managers), f.n("group.members").le(3000), f.n("group.activity").le(6000))));
  out.push(z.Implies(exists, f.n("group.managers").le(f.n("group.members").sub(members).add(managers))));
  for (const r of [...roots, "creator" as const]) {
    const inG = z.And(exists, f.present(r), f.n(`${r}.role`).ge(ROLE.member));
    const madeG = z.And(exists, f.present(r), f.n(`${r}.role`).eq(ROLE.creator));
    const created = f.n(`${r}.groups-created`);
    const joined = f.n(`${r}.groups-joined`);
    out.push(created.ge(one(madeG)), joined.sub(one(inG)).ge(created.sub(one(madeG))), joined.le(600));
  }
  if (!withMeasures) {
    for (const r of USER_ROOTS) for (const k of ["blacklisted", "management-suspended", "creation-cancelled", "muted"]) out.push(z.Not(f.b(`${r}.${k}`)));
    for (const k of ["closed", "blacklisted", "posting-suspended"]) out.push(z.Not(f.b(`group.${k}`)));
    for (const a of f.atoms.values()) if (a.name.startsWith("window:") && a.sort === "int") out.push(a.e.eq(0));
  }
  // Calendar durations take a length they really have at some instant of this version.
  for (const a of f.atoms.values()) {
    const d = a.sort === "int" ? durationOfAtom(a.name) : undefined;
    if (d === undefined || a.sort !== "int") continue;
    const lengths = [...calendarLengths(d, f.v.zone, f.data.effectiveMs).keys()];
    out.push(z.Or(...lengths.map((l) => a.e.eq(l))));
  }
  return out;
}

/** The duration a `duration:<amount><unit>` atom stands for. */
export function durationOfAtom(name: string): DurationIR | undefined {
  const m = /^duration:(\d+)(month|year)$/.exec(name);
  return m ? { amount: Number(m[1]), unit: m[2] as "month" | "year" } : undefined;
}

/**
 * The lengths a calendar duration has, measured back from each midnight UTC of the two years
 * after `from`, with an instant for each: what a witness's `now` can be chosen from.
 */
export function calendarLengths(d: DurationIR, zone: string, from: number): Map<number, number> {
  const out = new Map<number, number>();
  const start = Math.ceil(from / DAY) * DAY + DAY;
  for (let day = 0; day < 731; day++) {
    const t = start + day * DAY;
    const len = t - addDuration(t, d, zone, -1);
    if (!out.has(len)) out.set(len, t);
  }
  return out;
}
