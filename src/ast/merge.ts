/**
 * How an amendment's section combines with the same section of the version before it: clause by
 * clause. Each clause the amendment restates replaces that clause; every clause it leaves out is
 * carried over unchanged. So `limits { serves A8.member-cap  members per group 3000 }` in an
 * amendment raises the member cap and keeps the per-user caps and the info page: an amendment can
 * never drop a clause the regulation requires by forgetting to restate it (issue 14).
 *
 * A list is one clause (`levels`, `required for`, the categories, the default tier table, the `for`
 * blocks, the prohibited categories, `restrict users`): restating it replaces the whole list.
 * Flags (`reaccept on new version`) are carried over when not restated. `serves` is the union of
 * both citations, since the merged section implements what both blocks did.
 *
 * The checker (check/versions.ts) and the emitter (ir/emit.ts) both resolve versions with this one
 * function, so what is checked is what runs.
 */
import type * as A from "./nodes.js";

/** `restated` clause by clause over `previous` (the same kind of section, from the version before). */
export function mergeSection<S extends A.Section>(previous: S, restated: S): S {
  const merged = mergeClauses(previous, restated) as S;
  return { ...merged, span: restated.span, serves: unionServes(previous.serves, restated.serves) };
}

function mergeClauses(p: A.Section, r: A.Section): A.Section {
  const list = <T>(next: readonly T[], prev: readonly T[]): T[] => [...(next.length > 0 ? next : prev)];
  switch (r.kind) {
    case "AgreementSection": {
      const q = p as A.AgreementSection;
      return { ...r, currentVersion: r.currentVersion ?? q.currentVersion, requiredFor: list(r.requiredFor, q.requiredFor), reaccept: r.reaccept || q.reaccept };
    }
    case "IdentitySection":
      return { ...r, requiredFor: list(r.requiredFor, (p as A.IdentitySection).requiredFor) };
    case "CreditSection": {
      const q = p as A.CreditSection;
      return { ...r, levels: list(r.levels, q.levels), default: r.default ?? q.default };
    }
    case "CategoriesSection":
      return { ...r, categories: list(r.categories, (p as A.CategoriesSection).categories) };
    case "TiersSection": {
      const q = p as A.TiersSection;
      return { ...r, tiers: list(r.tiers, q.tiers), overrides: list(r.overrides, q.overrides) };
    }
    case "LimitsSection": {
      const q = p as A.LimitsSection;
      return {
        ...r,
        membersPerGroup: r.membersPerGroup ?? q.membersPerGroup,
        groupsCreated: r.groupsCreated ?? q.groupsCreated,
        groupsJoined: r.groupsJoined ?? q.groupsJoined,
        infoPage: r.infoPage ?? q.infoPage,
      };
    }
    case "ProhibitedSection": {
      const q = p as A.ProhibitedSection;
      return { ...r, severities: list(r.severities, q.severities), categories: list(r.categories, q.categories) };
    }
    case "ResponsibilitySection": {
      const q = p as A.ResponsibilitySection;
      return { ...r, window: r.window ?? q.window, otherwise: list(r.otherwise, q.otherwise) };
    }
    case "ComplaintsSection": {
      const q = p as A.ComplaintsSection;
      return { ...r, resolveWithin: r.resolveWithin ?? q.resolveWithin, otherwise: list(r.otherwise, q.otherwise) };
    }
    case "RetentionSection":
      return { ...r, keepLogs: r.keepLogs ?? (p as A.RetentionSection).keepLogs };
    case "ManagementSection":
      return { ...r, muteFor: r.muteFor ?? (p as A.ManagementSection).muteFor };
    case "BlacklistSection": {
      const q = p as A.BlacklistSection;
      return { ...r, users: list(r.users, q.users), groups: list(r.groups, q.groups) };
    }
  }
}

function unionServes(previous: A.Serves | null, restated: A.Serves | null): A.Serves | null {
  if (!previous) return restated;
  if (!restated) return previous;
  const ids = new Set(restated.reqs.map((x) => x.id));
  return { ...restated, reqs: [...restated.reqs, ...previous.reqs.filter((x) => !ids.has(x.id))] };
}
