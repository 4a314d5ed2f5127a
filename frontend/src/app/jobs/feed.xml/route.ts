import { cms } from "@/lib/cms";
import { JobSearchQuery } from "@/lib/queries";
import { parseFilters, searchTitle, searchUrl, toVariables } from "@/lib/search";
import { SITE_NAME, absolute, pagePath } from "@/lib/site";

// RSS 2.0 for any search: /jobs/feed.xml?<the same parameters as /jobs/>.

// Characters XML 1.0 cannot carry at all, not even as references (C0 controls but tab, line
// feed and carriage return; lone surrogates; U+FFFE, U+FFFF): a job title holding one would
// make the whole feed unreadable, so they are dropped.
const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escape(text: string): string {
  return text.replace(XML_ILLEGAL, "").replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function GET(request: Request) {
  const filters = { ...parseFilters(Object.fromEntries(groupParams(new URL(request.url).searchParams))), page: undefined };
  const { jobs } = await cms(JobSearchQuery, toVariables(filters, 50));
  const items = jobs.items.map((job) => {
    const link = absolute(pagePath(job.url, `/jobs/${job.slug}/`));
    return `<item><title>${escape(job.title)}</title><link>${escape(link)}</link><guid>${escape(link)}</guid>${
      job.postedAt ? `<pubDate>${new Date(job.postedAt).toUTCString()}</pubDate>` : ""
    }<description>${escape(`${job.institution.name}, ${job.country.name}. Closes ${job.closingDate}.`)}</description></item>`;
  });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${escape(`${searchTitle(filters)} | ${SITE_NAME}`)}</title><link>${escape(
    absolute(searchUrl(filters)),
  )}</link><description>${escape(`${jobs.pagination.total} open positions`)}</description>${items.join("")}</channel></rss>`;
  return new Response(xml, { headers: { "content-type": "application/rss+xml; charset=utf-8" } });
}

function groupParams(params: URLSearchParams): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) grouped.set(key, [...(grouped.get(key) ?? []), value]);
  return grouped;
}
