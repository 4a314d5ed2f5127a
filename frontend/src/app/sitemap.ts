import type { MetadataRoute } from "next";
import { cms } from "@/lib/cms";
import { SitemapQuery, TaxonomyQuery } from "@/lib/queries";
import { landingUrl } from "@/lib/search";
import { absolute, pagePath } from "@/lib/site";

// Built per request from cached CMS answers; the build itself never needs the CMS.
export const dynamic = "force-dynamic";

type Entry = { url: string; lastModified?: string };
type Page = { url?: string | null; lastPublishedAt?: unknown };

// A page's <lastmod> is when it was last published: what crawlers (and Google, with the
// Indexing API's notices, cms/google_indexing.py) use to tell a changed job from an unchanged one.
function entry(page: Page): Entry {
  const url = pagePath(page.url, "");
  return typeof page.lastPublishedAt === "string" ? { url, lastModified: page.lastPublishedAt } : { url };
}

export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const entries: Entry[] = ["/", "/jobs/", "/guides/", "/glossary/"].map((url) => ({ url }));
  const first = await cms(SitemapQuery, { page: 1 });
  entries.push(...first.guides.items.map(entry), ...first.definitions.items.map(entry));
  for (let data = first; ; ) {
    entries.push(...data.jobs.items.map(entry));
    const next = data.jobs.pagination.nextPage;
    if (!next) break;
    data = await cms(SitemapQuery, { page: next });
  }
  const { roles, disciplines } = await cms(TaxonomyQuery, {});
  for (const role of roles.filter((r) => r.jobCount > 0))
    for (const discipline of disciplines.filter((d) => d.jobCount > 0)) entries.push({ url: landingUrl(role.slug, discipline.slug) });
  return entries.filter((e) => e.url).map((e) => ({ ...e, url: absolute(e.url) }));
}
