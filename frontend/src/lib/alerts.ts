import type { AlertFrequency, JobAlertInput, RemotePolicy } from "@/gql/graphql";

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
  invalid: "That link is not valid or has expired.",
  rejected: "That did not work: please check what you entered and try again.",
};
