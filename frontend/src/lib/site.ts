// Where this frontend is served: canonical URLs, Open Graph, the sitemap and feeds.
export const SITE_URL = (process.env.FRONTEND_BASE_URL ?? "http://localhost:3000").replace(/\/$/, "");
export const SITE_NAME = process.env.SITE_NAME ?? "Academic Jobs";

export function absolute(path: string): string {
  return new URL(path, SITE_URL + "/").toString();
}
