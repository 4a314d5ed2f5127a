import type { Metadata } from "next";
import { JobSearchView, loadSearch } from "@/components/JobSearchView";
import { pageMetadata } from "@/lib/metadata";
import { type Params, parseFilters, searchTitle, toQueryString } from "@/lib/search";

type Props = { searchParams: Promise<Params> };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const filters = parseFilters(await searchParams);
  return pageMetadata(searchTitle(filters), "Search open academic and research positions.", `/jobs/${toQueryString(filters)}`);
}

export default async function Jobs({ searchParams }: Props) {
  const filters = parseFilters(await searchParams);
  const data = await loadSearch(filters);
  return <JobSearchView title={searchTitle(filters)} filters={filters} data={data} />;
}
