import type { NextRequest } from "next/server";
import { CmsError, cms } from "@/lib/cms";
import { PersonalDataQuery } from "@/lib/queries";
import { requestToken } from "@/lib/subscriberToken";

// "Download my data" on the manage page: a form POST (the token, in the manage page's cookie,
// stays out of URLs and logs) answered with the subscriber's data as a JSON file (docs/privacy.md).
export async function POST(request: NextRequest) {
  const form = await request.formData().catch(() => new FormData());
  const { token } = requestToken(request, form);
  try {
    const { subscription } = await cms(PersonalDataQuery, { token }, "private");
    if (!subscription) throw new CmsError("no subscription");
    const body = JSON.stringify(JSON.parse(subscription.personalData), null, 2);
    return new Response(body, {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": 'attachment; filename="job-alerts-data.json"',
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (!(error instanceof CmsError)) throw error;
    return new Response(null, { status: 303, headers: { Location: "/alerts/manage/?status=invalid" } });
  }
}
