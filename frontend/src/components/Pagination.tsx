import type { PaginationType } from "@/gql/graphql";
import { type JobFilters, searchUrl } from "@/lib/search";

type Props = { pagination: Pick<PaginationType, "currentPage" | "totalPages" | "prevPage" | "nextPage">; filters: JobFilters };

export function Pagination({ pagination, filters }: Props) {
  if (pagination.totalPages <= 1) return null;
  const to = (page: number) => searchUrl({ ...filters, page: page > 1 ? page : undefined });
  return (
    <nav aria-label="Pages" className="pagination">
      {pagination.prevPage && <a href={to(pagination.prevPage)} rel="prev">← Previous</a>}
      <span>
        Page {pagination.currentPage} of {pagination.totalPages}
      </span>
      {pagination.nextPage && <a href={to(pagination.nextPage)} rel="next">Next →</a>}
    </nav>
  );
}
