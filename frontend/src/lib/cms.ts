import { createHmac } from "node:crypto";

import type { TypedDocumentString } from "@/gql/graphql";

// The only door to the CMS: its public GraphQL endpoint, fetched on the server.
export const CMS_GRAPHQL_URL = process.env.CMS_GRAPHQL_URL ?? "http://127.0.0.1:8000/graphql/";

// How long a published answer may be reused; 0 turns the cache off (the browser tests do).
const CACHE_SECONDS = Number(process.env.CMS_CACHE_SECONDS ?? 300);

export class CmsError extends Error {}

type Freshness =
  // Published content: cached, dropped by /api/revalidate when the CMS publishes.
  | "published"
  // Drafts and anything read with a subscriber's token: never cached.
  | "private";

// Shared with the CMS (FRONTEND_SHARED_SECRET there too): it signs the visitor's address so
// the CMS's per-address limits count visitors, not this server (cms/visitor.py).
const SHARED_SECRET =
  process.env.FRONTEND_SHARED_SECRET ??
  (process.env.NODE_ENV === "development" ? "dev-only-frontend-shared-secret" : "");
// The header the proxy in front of this server puts the visitor's address in.
const VISITOR_HEADER = (process.env.VISITOR_ADDRESS_HEADER ?? "x-real-ip").toLowerCase();

/** The visitor's address as the proxy in front of this server reports it, or "". */
export function visitorAddress(request: Request | { headers: Pick<Headers, "get"> }): string {
  const value = request.headers.get(VISITOR_HEADER) ?? "";
  // X-Forwarded-For style lists: the last entry is the one our proxy added.
  return value.split(",").pop()?.trim() ?? "";
}

/** X-Visitor-Address and its signature: "<unix time>:<HMAC-SHA256 of address\ntime>". */
function visitorHeaders(address: string | undefined): Record<string, string> {
  if (!address || !SHARED_SECRET) return {};
  const time = String(Math.floor(Date.now() / 1000));
  const mac = createHmac("sha256", SHARED_SECRET).update(`${address}\n${time}`).digest("hex");
  return { "x-visitor-address": address, "x-visitor-signature": `${time}:${mac}` };
}

export async function cms<Result, Variables>(
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  freshness: Freshness = "published",
  visitor?: string,
): Promise<Result> {
  const response = await fetch(CMS_GRAPHQL_URL, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      ...visitorHeaders(visitor),
    },
    body: JSON.stringify({ query: document.toString(), variables }),
    ...(freshness === "private" || !CACHE_SECONDS
      ? { cache: "no-store" as const }
      : { cache: "force-cache" as const, next: { revalidate: CACHE_SECONDS } }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: Result;
    errors?: { message: string }[];
  } | null;
  if (!body?.data || body.errors?.length) {
    const messages = body?.errors?.map((e) => e.message).join("; ") ?? `HTTP ${response.status}`;
    throw new CmsError(`CMS query failed: ${messages}`);
  }
  return body.data;
}

// Media (images) are served by the CMS; its public address may differ from the API's.
export const CMS_PUBLIC_URL = process.env.CMS_PUBLIC_URL ?? new URL(CMS_GRAPHQL_URL).origin;

export function mediaUrl(url: string): string {
  return new URL(url, CMS_PUBLIC_URL).toString();
}
