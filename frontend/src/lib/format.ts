import type { JobCardFieldsFragment } from "@/gql/graphql";
import { label } from "./labels";

// Money is written one way everywhere, on the site and in the emails: "£20,780 a year",
// "£20,780 – £25,000 a year" (the CMS's notifications/formatting.py writes the same).
export function money(amount: number, currency: string): string {
  // Whole amounts without pence; an hourly £15.50 keeps them (as notifications/email.py does).
  const digits = Number.isInteger(amount) ? 0 : 2;
  return new Intl.NumberFormat("en-GB", { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
}

export function salaryText(salary: JobCardFieldsFragment["salary"]): string | null {
  if (!salary || (salary.min == null && salary.max == null)) return null;
  const range = [...new Set([salary.min, salary.max])]
    .filter((v): v is number => v != null)
    .map((v) => money(v, salary.currency))
    .join(" – ");
  return `${range} ${label("period", salary.period)}`.trim();
}

export function dateText(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
}

const DAY = 24 * 60 * 60 * 1000;

/** Whole days from today (UTC) to a date: 0 today, 1 tomorrow, negative when past. */
export function daysUntil(iso: string | null | undefined, now: Date = new Date()): number | null {
  if (!iso) return null;
  const day = Date.parse(iso.slice(0, 10));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Number.isNaN(day) ? null : Math.round((day - today) / DAY);
}

/** "closes today", "closes tomorrow", "closes in 12 days"; null without a date or once past. */
export function closesIn(iso: string | null | undefined): string | null {
  const days = daysUntil(iso);
  if (days == null || days < 0) return null;
  if (days === 0) return "closes today";
  if (days === 1) return "closes tomorrow";
  return `closes in ${days} days`;
}

/** Minutes to read some HTML at 220 words a minute, at least one. */
export function readingMinutes(html: string[]): number {
  const words = html.join(" ").replace(/<[^>]+>/g, " ").split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words / 220));
}
