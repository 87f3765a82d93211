/**
 * Obligations of the regulation that no engine rule can carry: staff, technical capacity, the
 * management systems of Article 5, the orientation of Article 4, public supervision under Article
 * 12, help with inspections under Article 13. They are met by the organisation, not by a policy;
 * the reviewer document lists each under its article as "organisational, outside the policy",
 * with a line for the reviewer's checklist, and counts them in its verdict as not covered by the
 * engine, so that no article looks fully covered because these were left out.
 *
 * `clause` is quoted from the article's text exactly (test/unit/law/organisational.test.ts).
 */

/** One organisational obligation. */
export interface Obligation {
  /** Stable id, in the style of the requirement ids: `A5.staff`. */
  id: string;
  article: number;
  /** The words of the article it comes from, exactly as the article has them. */
  clause: string;
  /** What it asks, in our words. */
  summary: string;
  /** What the reviewer checks, as one checklist line. */
  check: string;
}

/** Every organisational obligation, by article. */
export const OBLIGATIONS: readonly Obligation[] = [
  {
    id: "A4.culture",
    article: 4,
    clause: "坚持正确导向，弘扬社会主义核心价值观，培育积极健康的网络文化，维护良好网络生态",
    summary: "Keep a healthy online culture in the service.",
    check: "Community guidelines and moderation instructions state the orientation, and moderators are trained on them.",
  },
  {
    id: "A5.content-responsibility",
    article: 5,
    clause: "落实信息内容安全管理主体责任",
    summary: "The provider carries the primary responsibility for information content security.",
    check: "A named person is responsible for information content security (the filing's 信息安全负责人), with the authority to act.",
  },
  {
    id: "A5.staff",
    article: 5,
    clause: "配备与服务规模相适应的专业人员",
    summary: "Professional staff in proportion to the size of the service.",
    check: "Moderation and security staff are on record, with roles, shifts and a headcount justified by the number of users and groups.",
  },
  {
    id: "A5.technical-capacity",
    article: 5,
    clause: "技术能力",
    summary: "Technical capacity in proportion to the size of the service.",
    check: "Content review, flag handling and record export run at the service's peak volume (capacity test or monitoring on record).",
  },
  {
    id: "A5.registration-system",
    article: 5,
    clause: "建立健全用户注册、信息审核、应急处置、安全防护等管理制度",
    summary: "A user-registration system.",
    check: "A written user-registration procedure (account creation, real-name verification, agreement acceptance) is in force.",
  },
  {
    id: "A5.review-system",
    article: 5,
    clause: "建立健全用户注册、信息审核、应急处置、安全防护等管理制度",
    summary: "An information-review system.",
    check: "A written procedure says how content is reviewed and flagged (what raises a content.flagged event, by whom, how fast).",
  },
  {
    id: "A5.emergency-system",
    article: 5,
    clause: "建立健全用户注册、信息审核、应急处置、安全防护等管理制度",
    summary: "An emergency-response system.",
    check: "An emergency plan for incidents (mass spread of prohibited content, outages, data leaks) names who acts and how the authority is told.",
  },
  {
    id: "A5.security-system",
    article: 5,
    clause: "建立健全用户注册、信息审核、应急处置、安全防护等管理制度",
    summary: "A security-protection system.",
    check: "Security measures for the service and its records (access control, backups, protection of identity data) are documented and reviewed.",
  },
  {
    id: "A5.platform-covenant",
    article: 5,
    clause: "制定并公开管理规则和平台公约",
    summary: "A platform covenant, made and published (the management rules are published by the reviewer document).",
    check: "The platform covenant (平台公约) is written and published where users see it.",
  },
  {
    id: "A12.public-supervision",
    article: 12,
    clause: "接受社会公众和行业组织的监督",
    summary: "Accept supervision by the public and industry organisations.",
    check: "A public contact for supervision by the public and industry organisations is published, and what arrives there is answered.",
  },
  {
    id: "A12.report-entry",
    article: 12,
    clause: "设置便捷举报入口",
    summary: "A convenient entry point for complaints (the policy handles every complaint that reaches it).",
    check: "The complaint entry is reachable from every group page in a few steps, and every complaint made there reaches the engine as complaint.filed.",
  },
  {
    id: "A13.inspection-support",
    article: 13,
    clause: "提供必要的技术支持和协助",
    summary: "Give the inspecting authority technical support and assistance.",
    check: "A named contact and a procedure for inspections exist; the staff know how to run qungui records export for a time range, group or user.",
  },
];
