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
}

const MALFORMED = [
  () => `{"id":"bad-json","type":"message.post",`,
  () => `{"type":"clock","at":"2018-01-01T00:00:00+08:00"}`,
  () => `{"id":"x-no-offset","type":"clock","at":"2018-01-01T00:00:00"}`,
  () => `{"id":"x-unknown","type":"group.dissolve","at":"2018-01-01T00:00:00+08:00","group":"g1"}`,
  () => `{"id":"x-mistyped","type":"group.join","at":"2018-01-01T00:00:00+08:00","user":42,"group":"g1"}`,
  () => `[1,2,3]`,
];

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
  const users: string[] = [];
  const verified = new Set<string>();
  const groups: ShadowGroup[] = [];
  const openComplaints: string[] = [];
  let now = opts.startMs;
  let seq = 0;
  let groupSeq = 0;
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
    if (rand() < 0.95) out.push(line("agreement.accepted", { user: u, version: agreementVersion }));
    return out;
  };

  const member = (g: ShadowGroup) => pick(g.members);

  while (emitted < opts.events) {
    now += Math.max(1, Math.round(-Math.log(1 - rand()) * opts.meanGapMs));
    let batch: string[];
    const r = rand();
    if (rand() * 1000 < opts.malformedPerMille) batch = [pick(MALFORMED)()];
    else if (users.length < opts.users && (users.length < 20 || r < 0.08)) batch = newUser();
    else if (r < 0.12 && groups.length < Math.max(3, opts.users / 10)) {
      const creator = pick(users);
      const g: ShadowGroup = {
        id: `g${++groupSeq}`,
        creator,
        category: rand() < 0.6 ? (categories[0] ?? "general") : pick(categories),
        members: [creator],
        managers: [],
        target: rand() < 0.05 ? 120 + Math.floor(rand() * 500) : 3 + Math.floor(rand() * 60),
        messages: 0,
      };
      groups.push(g);
      batch = [line("group.create", { user: creator, group: g.id, category: g.category, name: `群${groupSeq}` })];
    } else if (r < 0.45 && groups.length > 0) {
      const g = pick(groups);
      if (g.members.length < g.target) {
        const u = users.length < opts.users && rand() < 0.3 ? newUser() : [];
        const joiner = u.length ? users[users.length - 1]! : pick(users);
        const approver = g.members.length >= 99 ? (rand() < 0.9 ? (g.managers[0] ?? g.creator) : undefined) : undefined;
        if (!g.members.includes(joiner)) g.members.push(joiner);
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
    } else if (r < 0.89 && groups.length > 0 && contentCategories.length) {
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
        now += Math.round(rand() * 30 * 3_600_000);
        batch.push(line("group.manage", { actor: handler, group: g.id, action: "delete-message", target: `m${messageSeq}` }));
      }
    } else if (r < 0.92) {
      const c = `c${++complaintSeq}`;
      openComplaints.push(c);
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
        g.managers = g.managers.filter((m) => m !== leaver);
        batch = [line("group.leave", { user: leaver, group: g.id })];
      } else {
        batch = [line("group.manage", { actor: rand() < 0.8 ? g.creator : pick(users), group: g.id, action: pick(["mute", "remove-member", "delete-message"]), target: member(g) })];
      }
    } else if (r < 0.985) {
      batch = [line("records.purge", { actor: "ops", before: formatInstant(now - (rand() < 0.5 ? 400 : 90) * 86_400_000, opts.zone) })];
    } else {
      now += Math.round(rand() * 3 * 86_400_000);
      batch = [line("clock", {})];
    }
    for (const l of batch) {
      if (emitted >= opts.events) break;
      emitted++;
      yield l;
    }
  }
}
