import type { JobOrder } from "@/gql/graphql";
import { cms } from "@/lib/cms";
import { choices, label } from "@/lib/labels";
import { JobSearchQuery } from "@/lib/queries";
import { type JobFilters, LIST_FILTERS, emptyFilters, searchUrl, toQueryString, toVariables, toggled } from "@/lib/search";
import { type Crumb, Breadcrumbs } from "./Breadcrumbs";
import { FacetLinks, GROUPS, facetValues } from "./Facets";
import { JobList } from "./JobCard";
import { Pagination } from "./Pagination";
import { SubscribeForm } from "./SubscribeForm";

export async function loadSearch(filters: JobFilters) {
  return cms(JobSearchQuery, toVariables(filters));
}

type Data = Awaited<ReturnType<typeof loadSearch>>;
type Props = { title: string; filters: JobFilters; data: Data; crumbs?: Crumb[]; intro?: React.ReactNode };
type Chip = { key: string; text: string; href: string };

/** Each active filter, in words, with the address of the same search without it. */
export function activeFilters(filters: JobFilters, facets: Data["jobFacets"]): Chip[] {
  const first = { ...filters, page: undefined };
  const chips: Chip[] = [];
  if (filters.search) chips.push({ key: "search", text: `“${filters.search}”`, href: searchUrl({ ...first, search: undefined }) });
  for (const { key, title } of GROUPS) {
    const names = new Map(facetValues(facets, key).map((v) => [v.value, v.name]));
    for (const value of filters[key]) {
      chips.push({ key: `${key}=${value}`, text: names.get(value) ?? `${title}: ${value}`, href: searchUrl(toggled(filters, key, value)) });
    }
  }
  if (filters.remote) chips.push({ key: "remote", text: label("remotePolicy", filters.remote), href: searchUrl({ ...first, remote: undefined }) });
  if (filters.fundedOnly) chips.push({ key: "funded", text: "Funded only", href: searchUrl({ ...first, fundedOnly: undefined }) });
  return chips;
}

function Chips({ chips }: { chips: Chip[] }) {
  if (!chips.length) return null;
  return (
    <ul className="chips" aria-label="Selected filters">
      {chips.map((chip) => (
        <li key={chip.key}>
          <a className="chip" href={chip.href} rel="nofollow" aria-label={`Remove filter: ${chip.text}`}>
            {chip.text} <span className="chip-x" aria-hidden="true">×</span>
          </a>
        </li>
      ))}
      {chips.length > 0 && (
        <li>
          <a className="clear-all" href={searchUrl(emptyFilters())}>
            Clear all
          </a>
        </li>
      )}
    </ul>
  );
}

function Sort({ filters }: { filters: JobFilters }) {
  const current: JobOrder = filters.order === "RELEVANCE" && !filters.search ? "NEWEST" : (filters.order ?? "NEWEST");
  const orders = choices("order").filter(([order]) => order !== "RELEVANCE" || filters.search);
  return (
    <nav className="sort" aria-label="Sort results">
      <span aria-hidden="true">Sort:</span>
      <ul>
        {orders.map(([order, name]) => (
          <li key={order}>
            {order === current ? (
              <span aria-current="true">
                <span className="visually-hidden">Sorted by </span>
                {name}
              </span>
            ) : (
              <a href={searchUrl({ ...filters, order: order === "NEWEST" ? undefined : order, page: undefined })} rel="nofollow">
                <span className="visually-hidden">Sort by </span>
                {name}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

function NoResults({ chips }: { chips: Chip[] }) {
  return (
    <div className="no-results panel" data-state="no-results">
      <h2>No jobs match this search</h2>
      {chips.length > 0 ? (
        <>
          <p>Try removing a filter:</p>
          <Chips chips={chips} />
          <p>
            Or <a href={searchUrl(emptyFilters())}>see all open jobs</a>.
          </p>
        </>
      ) : (
        <p>There are no open positions right now. Ask for an alert below and we will email you when there are.</p>
      )}
    </div>
  );
}

// The search page and the role × discipline landing pages: results first, then (on a phone,
// behind a "Filters" drawer) the facets. Every state is an address; nothing needs JavaScript.
export function JobSearchView({ title, filters, data, crumbs = [{ text: "Jobs" }], intro }: Props) {
  const { jobs, jobFacets } = data;
  const chips = activeFilters(filters, jobFacets);
  const { total, currentPage, perPage, count } = jobs.pagination;
  const from = (currentPage - 1) * perPage + 1;
  const kept: [string, string][] = [
    ...LIST_FILTERS.flatMap((key) => filters[key].map((value): [string, string] => [key, value])),
    ...(filters.remote ? [["remote", filters.remote] as [string, string]] : []),
    ...(filters.fundedOnly ? [["fundedOnly", "true"] as [string, string]] : []),
    ...(filters.order ? [["order", filters.order] as [string, string]] : []),
  ];
  return (
    <div className="search-page">
      <Breadcrumbs items={crumbs} />
      <h1>{title}</h1>
      {intro}
      <form method="get" action="/jobs/" className="search-bar" role="search" aria-label="Jobs">
        {kept.map(([name, value]) => (
          <input key={`${name}=${value}`} type="hidden" name={name} value={value} />
        ))}
        <label htmlFor="search-keywords" className="visually-hidden">
          Keywords
        </label>
        <input id="search-keywords" type="search" name="search" defaultValue={filters.search ?? ""} placeholder="Subject, title or institution" />
        <button type="submit">Search</button>
      </form>
      <div className="search-toolbar">
        <p className="result-count" data-total={total} role="status">
          {total} {total === 1 ? "job" : "jobs"}
          {total > count && (
            <span className="meta small">
              {" "}
              · showing {from}–{from + count - 1}
            </span>
          )}
        </p>
        {total > 1 && <Sort filters={filters} />}
      </div>
      {total > 0 && <Chips chips={chips} />}
      <div className="search-layout">
        {/* Keyed by the search, so that choosing a filter (a client-side navigation) shows the
            new results with the drawer closed, as a full page load would. */}
        <details className="filter-drawer" key={toQueryString(filters)}>
          <summary>
            <span className="when-closed">
              Filters{chips.length > 0 && <span className="filter-count"> {chips.length}</span>}
            </span>
            <span className="when-open">Close filters</span>
          </summary>
          <div className="drawer-panel">
            <h2 className="drawer-title visually-hidden">Filter jobs</h2>
            <FacetLinks facets={jobFacets} filters={filters} />
            <p className="drawer-done">
              {/* A plain link: a full load of the same search closes the drawer. */}
              <a className="button" href={searchUrl(filters)}>
                Show {total} {total === 1 ? "job" : "jobs"}
              </a>
            </p>
          </div>
        </details>
        <div className="results">
          <h2 className="visually-hidden">Results</h2>
          {jobs.items.length ? <JobList jobs={jobs.items} /> : <NoResults chips={chips} />}
          <Pagination pagination={jobs.pagination} filters={filters} />
          <div className="search-extras">
            <SubscribeForm filters={filters} />
            <p className="meta small">
              <a href={`/jobs/feed.xml${toQueryString({ ...filters, page: undefined })}`}>RSS feed of this search</a>
            </p>
          </div>
        </div>
      </div>
    </div>
  );
}
