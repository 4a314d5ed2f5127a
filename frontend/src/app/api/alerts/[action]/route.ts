import type { NextRequest } from "next/server";
import { alertFromForm } from "@/lib/alerts";
import { CmsError, cms, visitorAddress } from "@/lib/cms";
import {
  AddAlertMutation,
  ConfirmMutation,
  DeleteAlertMutation,
  EraseSubscriptionMutation,
  SetAlertPausedMutation,
  SubscribeMutation,
  UnsubscribeMutation,
  UpdateAlertMutation,
} from "@/lib/queries";
import { rememberToken, requestToken } from "@/lib/subscriberToken";

// Every alert form posts here (plain HTML forms: no JavaScript needed). Each action calls one
// mutation, then redirects (303) to the page that shows the outcome by a fixed status code.
// The manage page's forms carry no token: it comes in its cookie (lib/subscriberToken.ts).
const ACTIONS = ["subscribe", "confirm", "unsubscribe", "add", "update", "pause", "resume", "delete", "erase"] as const;
type Action = (typeof ACTIONS)[number];
type Outcome = { status: string; token?: string | null };

async function perform(action: Action, form: FormData, visitor: string): Promise<Outcome> {
  const token = String(form.get("token") ?? "");
  const id = String(form.get("id") ?? "");
  const ok = (result: { ok: boolean } | null | undefined, status: string) => (result?.ok ? status : "rejected");
  switch (action) {
    case "subscribe": {
      const email = String(form.get("email") ?? "");
      const variables = { email, alert: alertFromForm(form) };
      // Signed, so the CMS's per-address sign-up limit counts this visitor, not us.
      const { subscribe } = await cms(SubscribeMutation, variables, "private", visitor);
      return { status: ok(subscribe, "subscribed") };
    }
    case "confirm": {
      const { confirmSubscription: result } = await cms(ConfirmMutation, { token }, "private");
      return result?.ok && result.token ? { status: "confirmed", token: result.token } : { status: "invalid" };
    }
    case "unsubscribe": {
      const { unsubscribe } = await cms(UnsubscribeMutation, { token }, "private");
      return { status: unsubscribe?.ok ? "unsubscribed" : "invalid" };
    }
    case "add": {
      const { addAlert } = await cms(AddAlertMutation, { token, alert: alertFromForm(form) }, "private");
      return { status: ok(addAlert, "added") };
    }
    case "update": {
      const variables = { token, id, alert: alertFromForm(form) };
      const { updateAlert } = await cms(UpdateAlertMutation, variables, "private");
      return { status: ok(updateAlert, "saved") };
    }
    case "pause":
    case "resume": {
      const paused = action === "pause";
      const { setAlertPaused } = await cms(SetAlertPausedMutation, { token, id, paused }, "private");
      return { status: ok(setAlertPaused, paused ? "paused" : "resumed") };
    }
    case "delete": {
      const { deleteAlert } = await cms(DeleteAlertMutation, { token, id }, "private");
      return { status: ok(deleteAlert, "deleted") };
    }
    case "erase": {
      const { eraseSubscription } = await cms(EraseSubscriptionMutation, { token }, "private");
      return { status: ok(eraseSubscription, "erased") };
    }
  }
}

/** The page that shows an action's outcome, and whether it is the manage page (which reads
 * the token from its cookie, never from its address). */
function pageFor(action: Action, token: string, fromCookie: boolean, outcome: Outcome): { page: string; manage: boolean } {
  const encoded = encodeURIComponent(outcome.token ?? token);
  const page = (path: string) => ({ page: path, manage: false });
  if (action === "subscribe") return page(`/alerts/subscribed/?status=${outcome.status}`);
  if (action === "erase" && outcome.status === "erased") return page("/alerts/subscribed/?status=erased");
  // From the email's unsubscribe page, back there; from the manage page, back to it.
  if (action === "unsubscribe" && !fromCookie) return page(`/alerts/unsubscribe/${encoded}/?status=${outcome.status}`);
  if (action === "confirm" && outcome.status !== "confirmed") return page(`/alerts/confirm/${encoded}/?status=${outcome.status}`);
  return { page: `/alerts/manage/?status=${outcome.status}`, manage: true };
}

export async function POST(request: NextRequest, { params }: { params: Promise<{ action: string }> }) {
  const action = (await params).action as Action;
  if (!ACTIONS.includes(action)) return new Response("Not found", { status: 404 });
  const form = await request.formData().catch(() => new FormData());
  // The RFC 8058 one-click POST carries its token in the URL (see middleware.ts): in the
  // rewritten query, or in the page's own path when the handler sees the address as sent.
  const { token, fromCookie } = requestToken(request, form);
  form.set("token", token);
  let outcome: Outcome;
  try {
    outcome = await perform(action, form, visitorAddress(request));
  } catch (error) {
    if (!(error instanceof CmsError)) throw error;
    outcome = { status: action === "confirm" || action === "unsubscribe" ? "invalid" : "rejected" };
  }
  if (form.get("List-Unsubscribe") === "One-Click") {
    const done = outcome.status === "unsubscribed";
    return new Response(done ? "Unsubscribed\n" : "Link not valid\n", { status: done ? 200 : 400 });
  }
  const { page, manage } = pageFor(action, token, fromCookie, outcome);
  // A relative Location: right behind any proxy, whatever host the request came through.
  const headers = new Headers({ Location: page });
  // Erased: the token names no one any more. Confirmed: the token to keep is the new one.
  if (outcome.status === "erased") rememberToken(headers, null);
  else if (manage && token) rememberToken(headers, outcome.token ?? token);
  return new Response(null, { status: 303, headers });
}
