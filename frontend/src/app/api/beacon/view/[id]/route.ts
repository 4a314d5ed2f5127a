import { CMS_ORIGIN, visitorRequestHeaders } from "@/lib/cms";

// One view of a job page (components/ViewBeacon.tsx), passed on to the CMS's counter
// (cms/activity.py) with the visitor's signed address and user agent, so its bot rule and
// per-address limit apply to the visitor, not to this server. Always 204: a view that was
// not counted is not the visitor's problem.
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (/^\d{1,12}$/.test(id)) {
    await fetch(`${CMS_ORIGIN}/beacon/view/${id}/`, {
      method: "POST",
      headers: visitorRequestHeaders(request),
      cache: "no-store",
    }).catch(() => undefined);
  }
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}
