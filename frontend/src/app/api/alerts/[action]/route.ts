import { NextResponse } from "next/server";
import { alertFromForm } from "@/lib/alerts";
import { CmsError, cms } from "@/lib/cms";
import {
  AddAlertMutation,
  ConfirmMutation,
  DeleteAlertMutation,
  SubscribeMutation,
  UnsubscribeMutation,
  UpdateAlertMutation,
} from "@/lib/queries";

// Every alert form posts here (plain HTML forms: no JavaScript needed). Each action calls one
// mutation, then redirects (303) to the page that shows the outcome.
type Outcome = { path: string; status: string };

const manage = (token: string) => `/alerts/manage/?token=${encodeURIComponent(token)}`;

async function perform(action: string, form: FormData): Promise<Outcome | null> {
  const token = String(form.get("token") ?? "");
  const id = String(form.get("id") ?? "");
  switch (action) {
    case "subscribe": {
      const { subscribe } = await cms(
        SubscribeMutation,
        { email: String(form.get("email") ?? ""), alert: alertFromForm(form) },
        "private",
      );
      return { path: "/alerts/subscribed/?", status: subscribe?.ok ? "subscribed" : "rejected" };
    }
    case "confirm": {
      const { confirmSubscription: result } = await cms(ConfirmMutation, { token }, "private");
      return result?.ok && result.token
        ? { path: manage(result.token) + "&", status: "confirmed" }
        : { path: `/alerts/confirm/${encodeURIComponent(token)}/?`, status: "invalid" };
    }
    case "unsubscribe": {
      const { unsubscribe } = await cms(UnsubscribeMutation, { token }, "private");
      return { path: `/alerts/unsubscribe/${encodeURIComponent(token)}/?`, status: unsubscribe?.ok ? "unsubscribed" : "invalid" };
    }
    case "add": {
      const { addAlert } = await cms(AddAlertMutation, { token, alert: alertFromForm(form) }, "private");
      return { path: manage(token) + "&", status: addAlert?.ok ? "added" : "rejected" };
    }
    case "update": {
      const { updateAlert } = await cms(UpdateAlertMutation, { token, id, alert: alertFromForm(form) }, "private");
      return { path: manage(token) + "&", status: updateAlert?.ok ? "saved" : "rejected" };
    }
    case "delete": {
      const { deleteAlert } = await cms(DeleteAlertMutation, { token, id }, "private");
      return { path: manage(token) + "&", status: deleteAlert?.ok ? "deleted" : "rejected" };
    }
    default:
      return null;
  }
}

export async function POST(request: Request, { params }: { params: Promise<{ action: string }> }) {
  const { action } = await params;
  const form = await request.formData().catch(() => new FormData());
  const url = new URL(request.url);
  if (!form.get("token") && url.searchParams.get("token")) form.set("token", url.searchParams.get("token")!);
  let outcome: Outcome | null;
  try {
    outcome = await perform(action, form);
  } catch (error) {
    if (!(error instanceof CmsError)) throw error;
    outcome = { path: form.get("token") ? manage(String(form.get("token"))) + "&" : "/alerts/subscribed/?", status: "rejected" };
  }
  if (!outcome) return new NextResponse("Not found", { status: 404 });
  // RFC 8058: a mail client's one-click POST wants a plain answer, not a page.
  if (form.get("List-Unsubscribe") === "One-Click") {
    return new NextResponse(outcome.status === "unsubscribed" ? "Unsubscribed\n" : "Link not valid\n", {
      status: outcome.status === "unsubscribed" ? 200 : 400,
    });
  }
  return NextResponse.redirect(new URL(`${outcome.path}status=${outcome.status}`, url), 303);
}
