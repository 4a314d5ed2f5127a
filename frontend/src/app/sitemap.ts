import type { MetadataRoute } from "next";
import { cms } from "@/lib/cms";
import { SitemapQuery, TaxonomyQuery } from "@/lib/queries";
import { landingUrl } from "@/lib/search";
import { absolute, pagePath } from "@/lib/site";

// Built per request from cached CMS answers; the build itself never needs the CMS.
export const dynamic = "force-dynamic";

export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const urls = ["/", "/jobs/", "/guides/", "/glossary/"];
  const first = await cms(SitemapQuery, { page: 1 });
  urls.push(...first.guides.items.map((g) => pagePath(g.url, "")), ...first.definitions.items.map((d) => pagePath(d.url, "")));
  for (let data = first; ; ) {
    urls.push(...data.jobs.items.map((j) => pagePath(j.url, "")));
    const next = data.jobs.pagination.nextPage;
    if (!next) break;
    data = await cms(SitemapQuery, { page: next });
  }
  const { roles, disciplines } = await cms(TaxonomyQuery, {});
  for (const role of roles.filter((r) => r.jobCount > 0))
    for (const discipline of disciplines.filter((d) => d.jobCount > 0)) urls.push(landingUrl(role.slug, discipline.slug));
  return urls.filter(Boolean).map((url) => ({ url: absolute(url) }));
}
