// Labels, not stored values: the one place that turns what the API sends (enum names,
// stored choice values) into the words a candidate reads. Anything without a label here
// is shown as the API wrote it, tidied.
const LABELS = {
  remotePolicy: { ON_SITE: "On site", HYBRID: "Hybrid", REMOTE: "Remote" },
  employmentType: {
    FULL_TIME: "Full time", PART_TIME: "Part time", CONTRACTOR: "Contractor", TEMPORARY: "Temporary",
    INTERN: "Internship", VOLUNTEER: "Volunteer", PER_DIEM: "Per diem", OTHER: "Other",
  },
  contractType: { PERMANENT: "Permanent", FIXED_TERM: "Fixed term" },
  frequency: { INSTANT: "As soon as jobs are posted", DAILY: "Daily", WEEKLY: "Weekly" },
  // The CMS stores schema.org's educationRequirements values as they are.
  education: {
    "high school": "High school",
    "bachelor degree": "Bachelor's degree",
    "postgraduate degree": "Postgraduate degree (master's or PhD)",
    "professional certificate": "Professional certificate",
  },
  institutionKind: { UNIVERSITY: "University", RESEARCH_INSTITUTE: "Research institute", INDUSTRY_LAB: "Industry lab" },
  order: { NEWEST: "Newest", CLOSING_SOON: "Closing soon", RELEVANCE: "Best match" },
  period: { YEAR: "a year", MONTH: "a month", WEEK: "a week", DAY: "a day", HOUR: "an hour" },
} as const;

export type LabelKind = keyof typeof LABELS;

/** The readable label of a stored value; a value nobody labelled is shown tidied. */
export function label(kind: LabelKind, value: string | null | undefined): string {
  if (!value) return "";
  const labels: Record<string, string> = LABELS[kind];
  const known = labels[value] ?? labels[value.toUpperCase()] ?? labels[value.toLowerCase()];
  if (known) return known;
  const words = value.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The choices of one kind, in order, for forms and sort links. */
export function choices<K extends LabelKind>(kind: K): [keyof (typeof LABELS)[K] & string, string][] {
  return Object.entries(LABELS[kind]) as [keyof (typeof LABELS)[K] & string, string][];
}
