import type { JobOrder, JobSearchQueryVariables, RemotePolicy } from "@/gql/graphql";

// A job search lives entirely in the URL: /jobs/?search=...&disciplines=a&disciplines=b...
export type JobFilters = {
  search?: string;
  disciplines: string[];
  roles: string[];
  countries: string[];
  institutions: string[];
  remote?: RemotePolicy;
  fundedOnly?: boolean;
  order?: JobOrder;
  page?: number;
};

export type ListFilter = "disciplines" | "roles" | "countries" | "institutions";
export const LIST_FILTERS: ListFilter[] = ["disciplines", "roles", "countries", "institutions"];
const REMOTE: RemotePolicy[] = ["ON_SITE", "HYBRID", "REMOTE"];
const ORDERS: JobOrder[] = ["NEWEST", "CLOSING_SOON", "RELEVANCE"];
export const PER_PAGE = 20;

export type Params = Record<string, string | string[] | undefined>;

function all(params: Params, key: string): string[] {
  const value = params[key];
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return [...new Set(values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean))];
}

function one(params: Params, key: string): string | undefined {
  return all(params, key)[0];
}

export function parseFilters(params: Params): JobFilters {
  const remote = one(params, "remote") as RemotePolicy | undefined;
  const order = one(params, "order")?.toUpperCase() as JobOrder | undefined;
  const page = Number(one(params, "page"));
  return {
    search: one(params, "search"),
    disciplines: all(params, "disciplines"),
    roles: all(params, "roles"),
    countries: all(params, "countries").map((c) => c.toUpperCase()),
    institutions: all(params, "institutions"),
    remote: remote && REMOTE.includes(remote) ? remote : undefined,
    fundedOnly: one(params, "fundedOnly") === "true" || undefined,
    order: order && ORDERS.includes(order) ? order : undefined,
    page: Number.isInteger(page) && page > 1 ? page : undefined,
  };
}

export function toVariables(filters: JobFilters, perPage = PER_PAGE): JobSearchQueryVariables {
  const list = (values: string[]) => (values.length ? values : undefined);
  return {
    search: filters.search,
    disciplines: list(filters.disciplines),
    roles: list(filters.roles),
    countries: list(filters.countries),
    institutions: list(filters.institutions),
    remote: filters.remote,
    fundedOnly: filters.fundedOnly,
    // RELEVANCE needs a search; without one the newest come first.
    order: filters.order === "RELEVANCE" && !filters.search ? undefined : filters.order,
    page: filters.page,
    perPage,
  };
}

export function toQueryString(filters: JobFilters): string {
  const query = new URLSearchParams();
  if (filters.search) query.set("search", filters.search);
  for (const key of LIST_FILTERS) for (const value of filters[key]) query.append(key, value);
  if (filters.remote) query.set("remote", filters.remote);
  if (filters.fundedOnly) query.set("fundedOnly", "true");
  if (filters.order) query.set("order", filters.order);
  if (filters.page) query.set("page", String(filters.page));
  const text = query.toString();
  return text ? `?${text}` : "";
}

export function searchUrl(filters: JobFilters): string {
  return `/jobs/${toQueryString(filters)}`;
}

/** The filters with one facet value switched on or off, back on the first page. */
export function toggled(filters: JobFilters, key: ListFilter, value: string): JobFilters {
  const values = filters[key].includes(value)
    ? filters[key].filter((v) => v !== value)
    : [...filters[key], value];
  return { ...filters, [key]: values, page: undefined };
}

export const emptyFilters = (): JobFilters => ({
  disciplines: [],
  roles: [],
  countries: [],
  institutions: [],
});

/** Role × discipline landing pages: /phd-jobs/machine-learning. */
export function landingUrl(role: string, discipline: string): string {
  return `/${role}-jobs/${discipline}/`;
}

export function searchTitle(filters: JobFilters): string {
  return filters.search ? `Jobs matching “${filters.search}”` : "Academic jobs";
}
