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

// Every alert form posts here (plain HTML forms: no JavaScript needed). Each action calls one
// mutation, then redirects (303) to the page that shows the outcome by a fixed status code.
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

/** The page that shows an action's outcome. */
function pageFor(action: Action, token: string, outcome: Outcome): string {
  const encoded = encodeURIComponent(outcome.token ?? token);
  if (action === "subscribe") return `/alerts/subscribed/?status=${outcome.status}`;
  if (action === "erase" && outcome.status === "erased") return "/alerts/subscribed/?status=erased";
  if (action === "unsubscribe") return `/alerts/unsubscribe/${encoded}/?status=${outcome.status}`;
  if (action === "confirm" && outcome.status !== "confirmed") return `/alerts/confirm/${encoded}/?status=${outcome.status}`;
  return `/alerts/manage/?token=${encoded}&status=${outcome.status}`;
}

export async function POST(request: Request, { params }: { params: Promise<{ action: string }> }) {
  const action = (await params).action as Action;
  if (!ACTIONS.includes(action)) return new Response("Not found", { status: 404 });
  const form = await request.formData().catch(() => new FormData());
  // The RFC 8058 one-click POST carries its token in the URL (see middleware.ts): in the
  // rewritten query, or in the page's own path when the handler sees the address as sent.
  const url = new URL(request.url);
  const inPath = /^\/alerts\/unsubscribe\/([^/]+)\/?$/.exec(url.pathname);
  const token = String(
    form.get("token") ?? url.searchParams.get("token") ?? (inPath ? decodeURIComponent(inPath[1]) : ""),
  );
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
  // A relative Location: right behind any proxy, whatever host the request came through.
  return new Response(null, { status: 303, headers: { Location: pageFor(action, token, outcome) } });
}
