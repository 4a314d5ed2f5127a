import Link from "next/link";
import { cms } from "@/lib/cms";
import { JobSearchQuery } from "@/lib/queries";
import { type JobFilters, LIST_FILTERS, emptyFilters, searchUrl, toQueryString, toVariables } from "@/lib/search";
import { FacetLinks } from "./Facets";
import { JobList } from "./JobCard";
import { Pagination } from "./Pagination";
import { SubscribeForm } from "./SubscribeForm";

export async function loadSearch(filters: JobFilters) {
  return cms(JobSearchQuery, toVariables(filters));
}

type Props = { title: string; filters: JobFilters; data: Awaited<ReturnType<typeof loadSearch>> };

// The search page and the role × discipline landing pages: results, facets, paging, alerts.
export function JobSearchView({ title, filters, data }: Props) {
  const { jobs, jobFacets } = data;
  const hasFilters = filters.search || filters.remote || filters.fundedOnly || LIST_FILTERS.some((k) => filters[k].length);
  return (
    <div className="search-page">
      <h1>{title}</h1>
      <form method="get" action="/jobs/" className="search-form" role="search">
        {LIST_FILTERS.flatMap((key) =>
          filters[key].map((value) => <input key={`${key}=${value}`} type="hidden" name={key} value={value} />),
        )}
        <label>
          Keywords <input type="search" name="search" defaultValue={filters.search ?? ""} />
        </label>
        <label>
          Work{" "}
          <select name="remote" defaultValue={filters.remote ?? ""}>
            <option value="">Any</option>
            <option value="ON_SITE">On site</option>
            <option value="HYBRID">Hybrid</option>
            <option value="REMOTE">Remote</option>
          </select>
        </label>
        <label>
          <input type="checkbox" name="fundedOnly" value="true" defaultChecked={filters.fundedOnly} /> Funded only
        </label>
        <label>
          Order{" "}
          <select name="order" defaultValue={filters.order ?? "NEWEST"}>
            <option value="NEWEST">Newest</option>
            <option value="CLOSING_SOON">Closing soon</option>
            <option value="RELEVANCE">Relevance</option>
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      <p className="result-count" data-total={jobs.pagination.total}>
        {jobs.pagination.total} {jobs.pagination.total === 1 ? "job" : "jobs"}
        {hasFilters && (
          <>
            {" · "}
            <Link href={searchUrl(emptyFilters())}>Clear filters</Link>
          </>
        )}
        {" · "}
        <a href={`/jobs/feed.xml${toQueryString({ ...filters, page: undefined })}`}>RSS feed</a>
      </p>
      <div className="search-layout">
        <FacetLinks facets={jobFacets} filters={filters} />
        <div>
          <JobList jobs={jobs.items} />
          <Pagination pagination={jobs.pagination} filters={filters} />
          <SubscribeForm filters={filters} />
        </div>
      </div>
    </div>
  );
}
