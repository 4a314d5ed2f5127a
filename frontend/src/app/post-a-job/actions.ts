"use server";

import { headers } from "next/headers";

import { REQUEST_FIELDS, type RequestField, type RequestState, type TextField } from "@/lib/accountRequest";
import { CmsError, cms, visitorAddress } from "@/lib/cms";
import { RequestInstitutionAccountMutation } from "@/lib/queries";

const KNOWN: readonly string[] = [...REQUEST_FIELDS, "consent"];

export async function requestAccount(_previous: RequestState, form: FormData): Promise<RequestState> {
  const text = Object.fromEntries(REQUEST_FIELDS.map((name) => [name, String(form.get(name) ?? "")])) as Record<
    TextField,
    string
  >;
  const consent = form.get("consent") === "yes";
  const values = { ...text, consent: consent ? "yes" : "" };
  try {
    // Signed, so the CMS's per-address limit counts this visitor, not this server.
    const { requestInstitutionAccount: result } = await cms(
      RequestInstitutionAccountMutation,
      { input: { ...text, consent } },
      "private",
      visitorAddress({ headers: await headers() }),
    );
    if (result?.ok) return { ok: true, message: result.message ?? "", errors: {}, values: {} };
    const errors: RequestState["errors"] = {};
    for (const error of result?.errors ?? []) {
      const field = KNOWN.includes(error.field) ? (error.field as RequestField) : "form";
      errors[field] ??= error.messages[0];
    }
    return { ok: false, errors, values };
  } catch (error) {
    if (!(error instanceof CmsError)) throw error;
    const form = "That did not go through just now: nothing was sent. Please try again in a minute.";
    return { ok: false, errors: { form }, values };
  }
}
