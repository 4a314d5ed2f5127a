import { revalidatePath } from "next/cache";
import { NextResponse } from "next/server";
import { claimWebhookId, verifyWebhook } from "@/lib/webhook";

// The CMS's signed publish / unpublish / expiry / move webhook (cms/webhooks.py): drop the
// cached pages that show the page (at its old URL too, after a move), and the listings it
// appears in.
type Payload = {
  event: string;
  page: { type: string | null; slug: string; url: string | null; previousUrl?: string | null };
};

type Target = [path: string, type?: "page"]; // "page": every page of a dynamic route

const LISTINGS: Record<string, Target[]> = {
  "content.JobPostingPage": [["/"], ["/jobs/"], ["/[landing]/[discipline]", "page"], ["/institutions/[slug]", "page"], ["/guides/[slug]", "page"], ["/jobs/feed.xml"], ["/sitemap.xml"]],
  "content.GuidePage": [["/"], ["/guides/"], ["/glossary/[slug]", "page"], ["/sitemap.xml"]],
  "content.DefinitionPage": [["/glossary/"], ["/guides/[slug]", "page"], ["/glossary/[slug]", "page"], ["/sitemap.xml"]],
};

export async function POST(request: Request) {
  const body = await request.text();
  const valid = verifyWebhook(
    process.env.WEBHOOK_SECRET ?? "",
    {
      id: request.headers.get("webhook-id"),
      timestamp: request.headers.get("webhook-timestamp"),
      signature: request.headers.get("webhook-signature"),
    },
    body,
  );
  if (!valid) return NextResponse.json({ ok: false, error: "invalid signature" }, { status: 401 });
  // Checked only once the signature holds, so forged ids cannot fill the memory of seen ones.
  // A replay revalidates nothing. It still answers 2xx: the CMS retries a delivery under the
  // same id when it missed our first answer, and must then mark it delivered, not retry again.
  if (!claimWebhookId(request.headers.get("webhook-id") ?? ""))
    return NextResponse.json({ ok: true, duplicate: true, revalidated: [] });
  let payload: Payload;
  try {
    payload = JSON.parse(body) as Payload;
  } catch {
    return NextResponse.json({ ok: false, error: "invalid JSON" }, { status: 400 });
  }
  const paths: Target[] = [...(LISTINGS[payload.page?.type ?? ""] ?? [])];
  if (payload.page?.url?.startsWith("/")) paths.unshift([payload.page.url]);
  if (payload.page?.previousUrl?.startsWith("/")) paths.unshift([payload.page.previousUrl]);
  for (const [path, type] of paths) revalidatePath(path, type);
  return NextResponse.json({ ok: true, revalidated: paths.map(([path]) => path) });
}
