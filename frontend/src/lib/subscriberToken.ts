import { SITE_URL } from "@/lib/site";

// A subscriber's manage token arrives in an email's link (/alerts/manage/?token=…), which is
// traded at once for a cookie and a redirect to /alerts/manage/ (tradeLinkToken), so no page
// address, link or form on the manage page holds the secret (nor history, logs, Referer);
// the manage page and the alert route handlers read it back from the cookie. This module is
// the one place that writes and reads it.

export const TOKEN_COOKIE = "alerts_token";
// Where the browser sends it: the manage page and the route handlers its forms post to. A
// cookie has one path, so it is set once for each.
const COOKIE_PATHS = ["/alerts/manage/", "/api/alerts/"];
// Short: a borrowed device forgets it within the hour (every action renews it). The CMS
// still decides how old a token it accepts (NOTIFICATIONS_MANAGE_MAX_AGE_SECONDS).
const COOKIE_SECONDS = 60 * 60;
// Secure where the site is served over https (its public address says so, whatever the
// proxy in front of this server speaks to it).
const SECURE = SITE_URL.startsWith("https:");

function setCookie(value: string, path: string, seconds: number): string {
  const flags = [`Path=${path}`, `Max-Age=${seconds}`, "HttpOnly", "SameSite=Lax", ...(SECURE ? ["Secure"] : [])];
  return [`${TOKEN_COOKIE}=${encodeURIComponent(value)}`, ...flags].join("; ");
}

/** Keep the token in the browser (on a redirect to the manage page), or with null forget it
 * (after erasing, or a link that holds none). */
export function rememberToken(headers: Headers, token: string | null): void {
  for (const path of COOKIE_PATHS) headers.append("Set-Cookie", setCookie(token ?? "", path, token ? COOKIE_SECONDS : 0));
}

type Cookies = { get(name: string): { value: string } | undefined };

/** The token the manage page's cookie holds, or "". */
export function cookieToken(cookies: Cookies): string {
  return cookies.get(TOKEN_COOKIE)?.value ?? "";
}

/** The token a request to an alert route handler carries, and whether it came in the address
 * or a form field (the email's confirm and unsubscribe pages, RFC 8058's one-click POST to
 * the unsubscribe link) rather than the manage page's cookie. */
export function requestToken(request: Request & { cookies: Cookies }, form: FormData): { token: string; fromCookie: boolean } {
  const url = new URL(request.url);
  const inPath = /^\/alerts\/unsubscribe\/([^/]+)\/?$/.exec(url.pathname);
  const given = form.get("token") ?? url.searchParams.get("token") ?? (inPath ? decodeURIComponent(inPath[1]) : null);
  return given === null ? { token: cookieToken(request.cookies), fromCookie: true } : { token: String(given), fromCookie: false };
}

/** The answer to an email's manage link, /alerts/manage/?token=…: the token into the cookie
 * (an empty one forgets it), and a 303 to the page without it, other parameters kept. */
export function tradeLinkToken(url: URL): Response {
  const query = new URLSearchParams(url.searchParams);
  const token = query.get("token");
  query.delete("token");
  // A relative Location: right behind any proxy, whatever host the request came through.
  const headers = new Headers({ Location: `/alerts/manage/${query.size ? `?${query}` : ""}` });
  rememberToken(headers, token || null);
  return new Response(null, { status: 303, headers });
}
