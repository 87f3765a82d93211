/**
 * Seeded, realistic event streams for the samples, the benchmark and the differential test: users
 * register, verify and accept the agreement; groups are created and grow through tiers; members
 * post; some content is flagged; complaints are filed and mostly resolved; time passes by months.
 * Most actions are ones a well-behaved client would send, a steady minority are not (unverified
 * posters, joins without approval, over-cap joins), so every kind of decision shows up.
 *
 * It reads only the policy's vocabulary from the IR (categories, levels, content categories), so
 * it aims at any policy. The same seed always gives the same stream.
 */
import type { PolicyIR } from "../ir/types.js";
import { formatInstant } from "../source/time.js";

export interface WorkloadOptions {
  seed: number;
  /** Number of events to produce (malformed lines included). */
  events: number;
  /** Distinct users; groups are about a tenth of that. */
  users: number;
  /** First event time (epoch ms). */
  startMs: number;
  /** Mean gap between events, ms. */
  meanGapMs: number;
  /** Lines that are deliberately malformed (invalid JSON, missing fields, …), per thousand. */
  malformedPerMille: number;
  /** Zone used to write `at`. */
  zone: string;
  /**
   * An existing platform the stream starts from (see {@link generatePopulation}): its users and
   * groups are picked like the stream's own, and new ids continue after them. The engine state
   * must be loaded with the same population before the stream is fed.
   */
  population?: Population;
  /**
   * Scales the occasional jumps of time (flags handled up to 30 hours later, clock events up to 3
   * days ahead; 1 when absent). A few thousand events then span months, as samples should; a
   * benchmark of a million events scales them down so its stream spans days, not decades.
   */
  jumpScale?: number;
}

/** A user of a {@link Population}. */
export interface PopulationUser {
  id: string;
  verified: boolean;
  /** Has accepted the agreement version in force. */
  accepted: boolean;
  /** Null: the policy's default level. */
  credit: string | null;
}

/** A group of a {@link Population}: `members[0]` is the creator; managers are members. */
export interface PopulationGroup {
  id: string;
  creator: string;
  category: string;
  name: string;
  members: string[];
  managers: string[];
  hasInfoPage: boolean;
  /** The size the stream grows it towards. */
  target: number;
}

/** A platform as it stands at `atMs`: users `u1…`, groups `g1…`, consistent with the policy's tiers. */
export interface Population {
  atMs: number;
  /** The agreement version users have accepted. */
  agreementVersion: string;
  users: PopulationUser[];
  groups: PopulationGroup[];
}

export interface PopulationOptions {
  seed: number;
  users: number;
  groups: number;
  atMs: number;
}

/** A small, fast, seedable PRNG (mulberry32): same seed, same stream, on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ShadowGroup {
  id: string;
  creator: string;
  category: string;
  members: string[];
  managers: string[];
  /** Target size this group grows towards: most stay small, a few cross tier thresholds. */
  target: number;
  messages: number;
  /** Position in the stream's group list (creation order). */
  index: number;
}

/**
 * The groups meant to grow large that have not reached their size yet, in creation order: what
 * `groups.filter((g) => g.target > 100 && g.members.length < g.target)` gives, kept up to date as
 * members join and leave (filtering a hundred thousand groups on every join would dominate a
 * benchmark-sized stream).
 */
class Growing {
  readonly list: ShadowGroup[] = [];
  private readonly in = new Set<ShadowGroup>();

  /** Call after `g`'s members changed (or it was created). */
  update(g: ShadowGroup): void {
    const should = g.target > 100 && g.members.length < g.target;
    if (should === this.in.has(g)) return;
    const l = this.list;
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid]!.index < g.index) lo = mid + 1;
      else hi = mid;
    }
    if (should) {
      l.splice(lo, 0, g);
      this.in.add(g);
    } else {
      l.splice(lo, 1);
      this.in.delete(g);
    }
  }
}

const MALFORMED = [
  () => `{"id":"bad-json","type":"message.post",`,
  () => `{"type":"clock","at":"2018-01-01T00:00:00+08:00"}`,
  () => `{"id":"x-no-offset","type":"clock","at":"2018-01-01T00:00:00"}`,
  () => `{"id":"x-unknown","type":"group.dissolve","at":"2018-01-01T00:00:00+08:00","group":"g1"}`,
  () => `{"id":"x-mistyped","type":"group.join","at":"2018-01-01T00:00:00+08:00","user":42,"group":"g1"}`,
  () => `[1,2,3]`,
];

/**
 * A seeded population for benchmarks at scale: most users verified and bound by the agreement,
 * credit mostly the default; groups sized like the stream's (most 3–62 members, one in twenty
 * 120–619, about 50 on average), each created by a user qualified for its tier, with an info page
 * from 95 members and a manager in most groups of 20 or more. The same seed gives the same
 * population.
 */
export function generatePopulation(ir: PolicyIR, opts: PopulationOptions): Population {
  const rand = rng(opts.seed);
  const v = ir.versions[ir.versions.length - 1]!;
  const categories = v.categories.map((c) => c.name);
  const levels = v.credit.levels;
  const rank = (level: string | null): number => levels.indexOf(level ?? v.credit.default);
  const users: PopulationUser[] = new Array(opts.users);
  for (let i = 0; i < opts.users; i++) {
    const r = rand();
    const credit = r < 0.6 ? null : r < 0.8 ? (levels[levels.length - 2] ?? null) : r < 0.92 ? (levels[levels.length - 1] ?? null) : (levels[0] ?? null);
    users[i] = { id: `u${i + 1}`, verified: rand() < 0.9, accepted: rand() < 0.95, credit };
  }
  /** The lowest credit rank a creator needs for a group of this size and category (from the tier tables). */
  const needRank = (category: string, size: number): number => {
    const table = v.tiers.find((t) => t.categories?.includes(category)) ?? v.tiers.find((t) => t.categories === null);
    const tier = table?.tiers.find((t) => size >= t.minMembers && size <= t.maxMembers);
    return tier?.creator.minCredit ? levels.indexOf(tier.creator.minCredit) : 0;
  };
  const groups: PopulationGroup[] = new Array(opts.groups);
  const inGroup = new Set<number>();
  for (let j = 0; j < opts.groups; j++) {
    const category = rand() < 0.6 ? (categories[0] ?? "general") : categories[Math.floor(rand() * categories.length)]!;
    const size = Math.min(opts.users, rand() < 0.05 ? 120 + Math.floor(rand() * 520) : 3 + Math.floor(rand() * 60));
    const need = needRank(category, size);
    let c = Math.floor(rand() * opts.users);
    for (let tries = 0; tries < 1000 && !(users[c]!.verified && users[c]!.accepted && rank(users[c]!.credit) >= need); tries++) c = Math.floor(rand() * opts.users);
    inGroup.clear();
    inGroup.add(c);
    const members = [users[c]!.id];
    while (members.length < size) {
      const m = Math.floor(rand() * opts.users);
      if (inGroup.has(m)) continue;
      inGroup.add(m);
      members.push(users[m]!.id);
    }
    const managers = size >= 20 && rand() < 0.7 ? [members[1]!] : [];
    groups[j] = {
      id: `g${j + 1}`,
      creator: members[0]!,
      category,
      name: `群${j + 1}`,
      members,
      managers,
      hasInfoPage: size >= 95,
      target: size + (rand() < 0.5 ? Math.floor(rand() * 8) : 0),
    };
  }
  return { atMs: opts.atMs, agreementVersion: v.agreement?.currentVersion ?? "1", users, groups };
}

/** Yields JSON Lines (strings), ready to feed to `qungui run` or the engine's stream runner. */
export function* generateLines(ir: PolicyIR, opts: WorkloadOptions): Generator<string> {
  const rand = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const v = ir.versions[ir.versions.length - 1]!;
  const categories = v.categories.map((c) => c.name);
  const contentCategories = v.prohibited.categories.map((c) => c.name);
  const severities = v.prohibited.severities;
  const levels = v.credit.levels;
  const agreementVersion = v.agreement?.currentVersion ?? "1";
  const pop = opts.population;
  const jumpScale = opts.jumpScale ?? 1;
  const users: string[] = pop ? pop.users.map((u) => u.id) : [];
  const verified = new Set<string>();
  const accepted = new Set<string>();
  /** Users a careful client would let create groups: verified and agreed, as most creators are. */
  const creatorsPool: string[] = [];
  for (const u of pop?.users ?? []) {
    if (u.verified) verified.add(u.id);
    if (u.accepted) accepted.add(u.id);
    if (u.verified && u.accepted) creatorsPool.push(u.id);
  }
  const groups: ShadowGroup[] = pop
    ? pop.groups.map((g, index) => ({ id: g.id, creator: g.creator, category: g.category, members: [...g.members], managers: [...g.managers], target: g.target, messages: 0, index }))
    : [];
  const growing = new Growing();
  for (const g of groups) growing.update(g);
  const openComplaints: string[] = [];
  /** Complaints staff will resolve, with the event count at which they do. */
  const resolutions: { complaint: string; atEvent: number }[] = [];
  let now = opts.startMs;
  let seq = 0;
  let groupSeq = groups.length;
  let messageSeq = 0;
  let complaintSeq = 0;
  let emitted = 0;
  const at = () => formatInstant(now, opts.zone);
  const line = (type: string, fields: Record<string, unknown>) => JSON.stringify({ id: `e${++seq}`, type, at: at(), ...fields });

  const newUser = (): string[] => {
    const u = `u${users.length + 1}`;
    users.push(u);
    const out = [line("user.registered", { user: u })];
    if (rand() < 0.9) {
      verified.add(u);
      // A synthetic identity: the engine must drop it; it is here so tests can prove that it does.
      out.push(line("user.verified", { user: u, identity: { name: `测试用户${users.length}`, idNumber: `11010119900101${String(users.length).padStart(4, "0")}` } }));
    }
    if (rand() < 0.95) {
      accepted.add(u);
      out.push(line("agreement.accepted", { user: u, version: agreementVersion }));
    }
    if (verified.has(u) && accepted.has(u)) creatorsPool.push(u);
    return out;
  };

  const member = (g: ShadowGroup) => pick(g.members);

  while (emitted < opts.events) {
    now += Math.max(1, Math.round(-Math.log(1 - rand()) * opts.meanGapMs));
    let batch: string[];
    const r = rand();
    const dueResolution = resolutions.length > 0 && resolutions[0]!.atEvent <= emitted ? resolutions.shift() : undefined;
    if (dueResolution) {
      openComplaints.splice(openComplaints.indexOf(dueResolution.complaint), 1);
      batch = [line("complaint.resolved", { complaint: dueResolution.complaint, actor: "staff1" })];
    } else if (rand() * 1000 < opts.malformedPerMille) batch = [pick(MALFORMED)()];
    else if (users.length < opts.users && (users.length < 20 || r < 0.08)) batch = newUser();
    else if (r < 0.12 && groups.length < Math.max(3, opts.users / 10)) {
      // One creator in twenty is anyone at all: the policy must refuse them.
      const creator = creatorsPool.length && rand() < 0.95 ? pick(creatorsPool) : pick(users);
      const g: ShadowGroup = {
        id: `g${++groupSeq}`,
        creator,
        category: rand() < 0.85 ? (categories[0] ?? "general") : pick(categories),
        members: [creator],
        managers: [],
        target: rand() < 0.05 ? 120 + Math.floor(rand() * 500) : 3 + Math.floor(rand() * 60),
        messages: 0,
        index: groups.length,
      };
      groups.push(g);
      growing.update(g);
      batch = [line("group.create", { user: creator, group: g.id, category: g.category, name: `群${groupSeq}` })];
      // Stricter categories need more credit: most of their creators have earned the top level first.
      // Stricter categories and groups meant to grow need more credit: most such creators have earned the top level.
      if ((g.category !== categories[0] || g.target > 100) && rand() < 0.9) batch.unshift(line("user.credit", { user: creator, level: levels[levels.length - 1] }));
    } else if (r < 0.45 && groups.length > 0) {
      // Half of all joins go to the few groups that grow large, so they pass through the tiers.
      const g = growing.list.length && rand() < 0.5 ? pick(growing.list) : pick(groups);
      if (g.members.length < g.target) {
        const u = users.length < opts.users && rand() < 0.3 ? newUser() : [];
        const joiner = u.length ? users[users.length - 1]! : pick(users);
        const approver = g.members.length >= 99 ? (rand() < 0.9 ? (g.managers[0] ?? g.creator) : undefined) : undefined;
        if (!g.members.includes(joiner)) g.members.push(joiner);
        growing.update(g);
        batch = [...u, line("group.join", { user: joiner, group: g.id, ...(approver ? { approvedBy: approver } : {}) })];
        if (g.members.length === 95 && rand() < 0.9) batch.push(line("group.info", { actor: g.creator, group: g.id, name: `群${g.id}`, category: g.category }));
        if (g.members.length === 20 && rand() < 0.7) {
          const m = g.members[1]!;
          g.managers.push(m);
          batch.push(line("group.role", { actor: g.creator, group: g.id, user: m, role: "manager" }));
        }
      } else batch = [line("message.post", { user: member(g), group: g.id, message: `m${++messageSeq}` })];
    } else if (r < 0.85 && groups.length > 0) {
      const g = pick(groups);
      const poster = rand() < 0.97 ? member(g) : pick(users);
      g.messages++;
      batch = [line("message.post", { user: poster, group: g.id, message: `m${++messageSeq}` })];
    } else if (r < 0.865 && groups.length > 0 && contentCategories.length) {
      const g = pick(groups);
      const withSeverity = rand() < 0.3;
      batch = [
        line("content.flagged", {
          group: g.id,
          user: member(g),
          message: `m${Math.max(1, messageSeq - Math.floor(rand() * 50))}`,
          category: pick(contentCategories),
          ...(withSeverity ? { severity: pick(severities) } : {}),
        }),
      ];
      if (rand() < 0.6) {
        const handler = g.managers[0] ?? g.creator;
        now += Math.round(rand() * 30 * 3_600_000 * jumpScale);
        batch.push(line("group.manage", { actor: handler, group: g.id, action: "delete-message", target: `m${messageSeq}` }));
      }
    } else if (r < 0.92) {
      const c = `c${++complaintSeq}`;
      openComplaints.push(c);
      // Staff resolve most complaints within a day or so; some slip past the deadline.
      if (rand() < 0.85) {
        resolutions.push({ complaint: c, atEvent: emitted + 1 + Math.floor(rand() * (rand() < 0.9 ? 20 : 80)) });
        resolutions.sort((a, b) => a.atEvent - b.atEvent);
      }
      const g = groups.length ? pick(groups) : undefined;
      batch = [line("complaint.filed", { complaint: c, ...(rand() < 0.8 ? { by: pick(users) } : {}), ...(g ? { group: g.id } : {}) })];
    } else if (r < 0.95 && openComplaints.length) {
      const c = openComplaints.splice(Math.floor(rand() * openComplaints.length), 1)[0]!;
      batch = [line("complaint.resolved", { complaint: c, actor: "staff1" })];
    } else if (r < 0.965 && users.length) {
      batch = [line("user.credit", { user: pick(users), level: pick(levels) })];
    } else if (r < 0.98 && groups.length) {
      const g = pick(groups);
      if (g.members.length > 2 && rand() < 0.5) {
        const leaver = g.members.splice(1 + Math.floor(rand() * (g.members.length - 1)), 1)[0]!;
        growing.update(g);
        g.managers = g.managers.filter((m) => m !== leaver);
        batch = [line("group.leave", { user: leaver, group: g.id })];
      } else {
        batch = [line("group.manage", { actor: rand() < 0.8 ? g.creator : pick(users), group: g.id, action: pick(["mute", "remove-member", "delete-message"]), target: member(g) })];
      }
    } else if (r < 0.985) {
      batch = [line("records.purge", { actor: "ops", before: formatInstant(now - (rand() < 0.5 ? 400 : 90) * 86_400_000, opts.zone) })];
    } else {
      now += Math.round(rand() * 3 * 86_400_000 * jumpScale);
      batch = [line("clock", {})];
    }
    for (const l of batch) {
      if (emitted >= opts.events) break;
      emitted++;
      yield l;
    }
  }
}
