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

type Answer<Result> = { data?: Result; errors?: { message: string; extensions?: { code?: string } }[] } | null;

/** Every document is sent by its trusted id (`documentId`, published to the CMS from this
 * build's src/gql/persisted-documents.json): published reads by GET with the variables in the
 * URL, so the CMS's and any CDN's caches can answer them; private reads and mutations by POST
 * (tokens never go into URLs). A CMS that has not had this build's manifest published
 * answers PERSISTED_DOCUMENT_NOT_FOUND, and the document's text is sent instead (a CMS
 * running trusted documents only refuses that: publish the manifest at deploy). */
export async function cms<Result, Variables>(
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  freshness: Freshness = "published",
  visitor?: string,
): Promise<Result> {
  const hash = document.__meta__?.hash as string | undefined;
  let body = hash ? await send<Result>(freshness, { documentId: `sha256:${hash}`, variables }, visitor) : null;
  if (!hash || body?.errors?.some((e) => e.extensions?.code === "PERSISTED_DOCUMENT_NOT_FOUND")) {
    if (hash) console.warn(`CMS does not know document sha256:${hash}: publish this build's manifest.`);
    body = await send<Result>(freshness, { query: document.toString(), variables }, visitor);
  }
  if (!body?.data || body.errors?.length) {
    const messages = body?.errors?.map((e) => e.message).join("; ") ?? "no answer";
    throw new CmsError(`CMS query failed: ${messages}`);
  }
  return body.data;
}

async function send<Result>(
  freshness: Freshness,
  params: { documentId?: string; query?: string; variables: unknown },
  visitor?: string,
): Promise<Answer<Result>> {
  const headers = { accept: "application/json", ...visitorHeaders(visitor) };
  // Published content: cached, dropped by /api/revalidate when the CMS publishes.
  const caching =
    freshness === "published" && CACHE_SECONDS > 0
      ? { cache: "force-cache" as const, next: { revalidate: CACHE_SECONDS } }
      : { cache: "no-store" as const };
  let response: Response;
  if (freshness === "published" && params.documentId) {
    const url = new URL(CMS_GRAPHQL_URL);
    url.searchParams.set("documentId", params.documentId);
    const variables = JSON.stringify(params.variables ?? {});
    if (variables !== "{}") url.searchParams.set("variables", variables);
    response = await fetch(url, { headers, ...caching });
  } else {
    response = await fetch(CMS_GRAPHQL_URL, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(params),
      ...caching,
    });
  }
  const answer = (await response.json().catch(() => null)) as Answer<Result>;
  return answer ?? { errors: [{ message: `HTTP ${response.status}` }] };
}

// Media (images) are served by the CMS; its public address may differ from the API's.
export const CMS_PUBLIC_URL = process.env.CMS_PUBLIC_URL ?? new URL(CMS_GRAPHQL_URL).origin;

export function mediaUrl(url: string): string {
  return new URL(url, CMS_PUBLIC_URL).toString();
}

/** The CMS's apply endpoint for a published job: counts the click, redirects to the job's
 * own application address (cms/activity.py). */
export function applyUrl(id: string): string {
  return new URL(`/apply/${encodeURIComponent(id)}/`, CMS_PUBLIC_URL).toString();
}

// The CMS's origin as this server reaches it (for the view beacon, app/api/beacon/).
export const CMS_ORIGIN = new URL(CMS_GRAPHQL_URL).origin;

/** Headers that carry a visitor's request to the CMS as theirs: signed address, user agent and
 * prefetch hints (the CMS's bot rule reads them), nothing else. */
export function visitorRequestHeaders(request: Request): Record<string, string> {
  const headers: Record<string, string> = { ...visitorHeaders(visitorAddress(request) || undefined) };
  for (const name of ["user-agent", "purpose", "sec-purpose", "x-moz"]) {
    const value = request.headers.get(name);
    if (value) headers[name] = value;
  }
  return headers;
}
