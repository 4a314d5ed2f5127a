import Link from "next/link";
import type { PaginationType } from "@/gql/graphql";
import { type JobFilters, searchUrl } from "@/lib/search";

type Props = { pagination: Pick<PaginationType, "currentPage" | "totalPages" | "prevPage" | "nextPage">; filters: JobFilters };

export function Pagination({ pagination, filters }: Props) {
  if (pagination.totalPages <= 1) return null;
  const to = (page: number) => searchUrl({ ...filters, page: page > 1 ? page : undefined });
  return (
    <nav aria-label="Pages" className="pagination">
      {pagination.prevPage && <Link href={to(pagination.prevPage)} rel="prev">← Previous</Link>}
      <span>
        Page {pagination.currentPage} of {pagination.totalPages}
      </span>
      {pagination.nextPage && <Link href={to(pagination.nextPage)} rel="next">Next →</Link>}
    </nav>
  );
}
