// Where this frontend is served: canonical URLs, Open Graph, the sitemap and feeds.
export const SITE_URL = (process.env.FRONTEND_BASE_URL ?? "http://localhost:3000").replace(/\/$/, "");
export const SITE_NAME = process.env.SITE_NAME ?? "Academic Jobs";

export function absolute(path: string): string {
  return new URL(path, SITE_URL + "/").toString();
}

// The API's `url` is a page's public address (the CMS's FRONTEND_BASE_URL); links inside this
// site use its path, so they work whatever host the CMS was told.
export function pagePath(url: string | null | undefined, fallback: string): string {
  return url ? new URL(url, SITE_URL + "/").pathname : fallback;
}

// Where people write to the site's team (privacy requests, accessibility problems, institutions).
export const CONTACT_EMAIL = process.env.CONTACT_EMAIL ?? "hello@example.org";
