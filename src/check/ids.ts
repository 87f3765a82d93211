/**
 * The checker's diagnostic codes by name, so checks read `CODES.tierGap` rather than a bare number.
 * Titles, explanations and examples are in ./codes.ts.
 */
export const CODES = {
  // structure and names
  duplicateSection: "QG010",
  duplicateName: "QG011",
  undefinedName: "QG012",
  unknownService: "QG013",
  badEvent: "QG014",
  unknownTarget: "QG015",
  unknownPath: "QG016",
  unknownRemoval: "QG017",
  listedTwice: "QG018",
  missingClause: "QG019",
  // citations
  unknownRequirement: "QG020",
  missingServes: "QG021",
  declaratoryCited: "QG022",
  // header and time
  missingEffective: "QG024",
  unknownZone: "QG025",
  beforeRegulation: "QG026",
  amendmentOrder: "QG027",
  calendarTolerance: "QG028",
  // types
  typeMismatch: "QG030",
  badOperator: "QG031",
  notBool: "QG032",
  pathNotOnEvent: "QG033",
  windowMisuse: "QG034",
  badPlaceholder: "QG035",
  // tiers
  tierGap: "QG040",
  tierOverlap: "QG041",
  badBand: "QG042",
  tierAboveCap: "QG043",
  categoryTwice: "QG044",
  activityOrder: "QG045",
  qualificationWeakens: "QG046",
  // limits
  stepOrder: "QG050",
  capDecreases: "QG051",
  noMemberCap: "QG052",
  infoPageAboveCap: "QG053",
  userCapsMissing: "QG054",
  // measures
  noRecord: "QG055",
  noReport: "QG056",
  escalateMisplaced: "QG057",
  complaintsNoEscalate: "QG058",
  badTarget: "QG059",
  countWithoutWindow: "QG060",
  notPositive: "QG061",
  // retention
  retentionTooShort: "QG064",
  noRetention: "QG065",
  // rules
  noBecause: "QG066",
  neverFires: "QG067",
  allowDenyOverlap: "QG068",
  // not about the policy
  internalError: "QG069",
} as const;

export type CheckCode = (typeof CODES)[keyof typeof CODES];
