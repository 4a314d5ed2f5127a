import type { AlertFieldsFragment, AlertFrequency, JobAlertInput, RemotePolicy } from "@/gql/graphql";
import { label } from "./labels";

// What the alert forms post, read back into the API's JobAlertInput.
const FREQUENCIES: AlertFrequency[] = ["INSTANT", "DAILY", "WEEKLY"];
const REMOTE: RemotePolicy[] = ["ON_SITE", "HYBRID", "REMOTE"];

export function alertFromForm(form: FormData): JobAlertInput {
  const list = (key: string) => form.getAll(key).map(String).map((v) => v.trim()).filter(Boolean);
  const frequency = String(form.get("frequency") ?? "") as AlertFrequency;
  const remote = String(form.get("remote") ?? "") as RemotePolicy;
  return {
    disciplines: list("disciplines"),
    roles: list("roles"),
    countries: list("countries"),
    keywords: list("keywords").flatMap((k) => k.split(",")).map((k) => k.trim()).filter(Boolean),
    remote: REMOTE.includes(remote) ? remote : null,
    frequency: FREQUENCIES.includes(frequency) ? frequency : "DAILY",
  };
}

// Result pages show fixed texts chosen by a status code, never text taken from the URL.
export const STATUS_TEXT: Record<string, string> = {
  subscribed: "Check your inbox: we sent a link to confirm your alert.",
  confirmed: "Your alert is confirmed. You can change it here at any time.",
  saved: "Your alert is saved.",
  added: "Your new alert is saved.",
  deleted: "The alert is deleted.",
  paused: "The alert is paused: it sends nothing until you resume it.",
  resumed: "The alert is on again, for jobs published from now on.",
  unsubscribed: "You are unsubscribed and will get no more job alert emails.",
  erased: "Your address, your alerts and the record of what we sent you are erased.",
  invalid: "That link is not valid or has expired.",
  rejected: "That did not work: please check what you entered and try again.",
};

function plural(name: string): string {
  return /s$/i.test(name) ? name : `${name}s`;
}

function either(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/** An alert in words: "Daily: PhD studentships in Machine Learning, United Kingdom". */
export function alertSummary(alert: AlertFieldsFragment, countryNames: Map<string, string>): string {
  const what = alert.roles.length ? either(alert.roles.map((r) => plural(r.name))) : "All jobs";
  const parts = [what];
  if (alert.disciplines.length) parts[0] += ` in ${either(alert.disciplines.map((d) => d.name))}`;
  const countries = alert.countries.map((code) => countryNames.get(code) ?? code);
  if (countries.length) parts.push(either(countries));
  if (alert.remote) parts.push(label("remotePolicy", alert.remote).toLowerCase());
  if (alert.keywords.length) parts.push(`matching ${alert.keywords.map((k) => `“${k}”`).join(" and ")}`);
  return `${label("frequency", alert.frequency)}: ${parts.join(", ")}`;
}
