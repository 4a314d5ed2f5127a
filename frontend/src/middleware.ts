import { NextResponse, type NextRequest } from "next/server";
import { CMS_PUBLIC_URL, cms } from "@/lib/cms";
import { badRequest } from "@/lib/query";
import { ClosedJobQuery, SimilarJobsQuery } from "@/lib/queries";

// Every request passes here first (config.matcher): its address is checked once (lib/query.ts),
// and every answer gets the security headers: a nonce-based Content-Security-Policy, frame
// protection, for pages that carry a token in their address no Referer and no indexing, and
// for personal pages no caching.

// Answers personal to a visitor (a subscriber's or an editor's): never stored by any cache.
const PRIVATE_PAGES = /^\/(alerts|preview|api\/alerts)(\/|$)/;
// The manage page: its address holds no token once the email's ?token= is traded for a cookie.
const MANAGE_PAGE = /^\/alerts\/manage\/?$/;

/** An address that may hold a subscriber's or a preview token: no Referer, no indexing.
 * Every private page but the manage page without ?token=. */
function holdsToken(url: URL): boolean {
  return PRIVATE_PAGES.test(url.pathname) && !(MANAGE_PAGE.test(url.pathname) && !url.searchParams.has("token"));
}
// Wagtail's admin shows Preview in an iframe of its own: the preview page may be framed by the
// CMS's origin (CMS_ADMIN_URL, by default where browsers reach the CMS), and by nothing else.
const PREVIEW = /^\/preview(\/|$)/;
const CMS_ADMIN_ORIGIN = new URL(process.env.CMS_ADMIN_URL ?? CMS_PUBLIC_URL).origin;

function contentSecurityPolicy(nonce: string, pathname: string): string {
  return [
    "default-src 'self'",
    // Next marks its own scripts with the nonce; 'strict-dynamic' lets them load its chunks.
    // The JSON-LD block (type application/ld+json) is data, never run, so needs no nonce.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: ${new URL(CMS_PUBLIC_URL).origin}`,
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    PREVIEW.test(pathname) ? `frame-ancestors ${CMS_ADMIN_ORIGIN}` : "frame-ancestors 'none'",
  ].join("; ");
}

function secured(response: NextResponse, url: URL, csp: string): NextResponse {
  const { pathname } = url;
  response.headers.set("Content-Security-Policy", csp);
  // X-Frame-Options cannot name an origin; for Preview the policy's frame-ancestors decides.
  if (!PREVIEW.test(pathname)) response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("X-Content-Type-Options", "nosniff");
  if (holdsToken(url)) {
    response.headers.set("Referrer-Policy", "no-referrer");
    response.headers.set("X-Robots-Tag", "noindex, nofollow");
  } else {
    response.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  }
  if (PRIVATE_PAGES.test(pathname)) response.headers.set("Cache-Control", "private, no-store");
  return response;
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function badRequestPage(message: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Bad request</title></head><body><main><h1>Bad request</h1><p>${escapeHtml(
    message,
  )}</p><p><a href="/jobs/">Search open jobs</a></p></main></body></html>`;
}

// A job page's address: /jobs/<slug>/ (not the feed).
const JOB_PAGE = /^\/jobs\/([a-z0-9_-]+)\/?$/i;

function closedJobPage(title: string, jobs: { title: string; slug: string; institution: { name: string } }[]): string {
  const items = jobs
    .map((job) => `<li><a href="/jobs/${encodeURIComponent(job.slug)}/">${escapeHtml(job.title)}</a>, ${escapeHtml(job.institution.name)}</li>`)
    .join("");
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>This job has closed</title></head><body><main><h1>This job has closed</h1><p>${escapeHtml(
    title,
  )} is no longer open for applications.</p>${
    items ? `<h2>Similar open jobs</h2><ul>${items}</ul>` : ""
  }<p><a href="/jobs/">Search all open jobs</a></p></main></body></html>`;
}

/** For a closed job's address, the 410 page (Google's advice for expired job postings);
 * otherwise null. An open job, a job never public, and a CMS that does not answer: null, and
 * the page itself decides (200 or 404). */
async function closedJobResponse(slug: string): Promise<NextResponse | null> {
  try {
    const { closedJob } = await cms(ClosedJobQuery, { slug });
    if (!closedJob) return null;
    const discipline = closedJob.disciplines.find(Boolean);
    const { jobs } = await cms(SimilarJobsQuery, {
      roles: closedJob.role ? [closedJob.role.slug] : undefined,
      disciplines: discipline ? [discipline.slug] : undefined,
    }).catch(() => ({ jobs: { items: [] } }));
    return new NextResponse(closedJobPage(closedJob.title, jobs.items.slice(0, 5)), {
      status: 410,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "public, max-age=300" },
    });
  } catch {
    return null;
  }
}

export async function middleware(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, pathname);

  const problem = badRequest(request.nextUrl);
  if (problem) {
    const response = new NextResponse(badRequestPage(problem), {
      status: 400,
      headers: { "content-type": "text/html; charset=utf-8" },
    });
    return secured(response, request.nextUrl, csp);
  }

  const job = request.method === "GET" || request.method === "HEAD" ? JOB_PAGE.exec(pathname) : null;
  if (job) {
    const gone = await closedJobResponse(job[1]);
    if (gone) return secured(gone, request.nextUrl, csp);
  }

  // Next reads the nonce from the request's policy and puts it on the scripts it renders.
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", csp);

  // A mail client's RFC 8058 one-click unsubscribe POSTs to the email's unsubscribe link, the
  // page's own address: hand it to the route handler.
  const unsubscribe = /^\/alerts\/unsubscribe\/([^/]+)\/?$/.exec(pathname);
  if (request.method === "POST" && unsubscribe) {
    const url = request.nextUrl.clone();
    url.pathname = "/api/alerts/unsubscribe/";
    url.searchParams.set("token", decodeURIComponent(unsubscribe[1]));
    return secured(NextResponse.rewrite(url, { request: { headers } }), request.nextUrl, csp);
  }

  // An email's manage link (/alerts/manage/?token=…): the route handler keeps its token in a
  // cookie and redirects to the page without it (lib/subscriberToken.ts). A route handler, not
  // a redirect from here: Next makes a middleware's Location absolute, on its own idea of the
  // host; the handler's stays relative, right behind any proxy.
  if ((request.method === "GET" || request.method === "HEAD") && MANAGE_PAGE.test(pathname) && request.nextUrl.searchParams.has("token")) {
    const url = request.nextUrl.clone();
    url.pathname = "/api/alerts/manage-link/";
    return secured(NextResponse.rewrite(url, { request: { headers } }), request.nextUrl, csp);
  }
  return secured(NextResponse.next({ request: { headers } }), request.nextUrl, csp);
}

export const config = {
  runtime: "nodejs",
  // Everything but Next's own static files (hashed, immutable, never carrying a query).
  matcher: ["/((?!_next/static|_next/image).*)"],
};
