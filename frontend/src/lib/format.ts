import type { JobCardFieldsFragment } from "@/gql/graphql";

const PERIODS: Record<string, string> = { YEAR: "a year", MONTH: "a month", WEEK: "a week", DAY: "a day", HOUR: "an hour" };

export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
}

export function salaryText(salary: JobCardFieldsFragment["salary"]): string | null {
  if (!salary || (salary.min == null && salary.max == null)) return null;
  const range = [...new Set([salary.min, salary.max])]
    .filter((v): v is number => v != null)
    .map((v) => money(v, salary.currency))
    .join(" – ");
  return `${range} ${PERIODS[salary.period] ?? ""}`.trim();
}

export function dateText(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
}

const LABELS: Record<string, string> = {
  ON_SITE: "On site", HYBRID: "Hybrid", REMOTE: "Remote",
  FULL_TIME: "Full time", PART_TIME: "Part time", CONTRACTOR: "Contractor", TEMPORARY: "Temporary",
  INTERN: "Internship", VOLUNTEER: "Volunteer", PER_DIEM: "Per diem", OTHER: "Other",
  PERMANENT: "Permanent", FIXED_TERM: "Fixed term",
  INSTANT: "As soon as jobs are posted", DAILY: "Daily", WEEKLY: "Weekly",
};

/** A readable label for an enum value the API sends (remote policy, employment type...). */
export function label(value: string | null | undefined): string {
  if (!value) return "";
  return LABELS[value.toUpperCase()] ?? value.replace(/_/g, " ").toLowerCase();
}
