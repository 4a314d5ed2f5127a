import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JobList } from "@/components/JobCard";
import { loadSearch } from "@/components/JobSearchView";
import { cms } from "@/lib/cms";
import { label } from "@/lib/format";
import { pageMetadata } from "@/lib/metadata";
import type { InstitutionsQuery } from "@/gql/graphql";
import { InstitutionsQuery as InstitutionsDocument } from "@/lib/queries";
import { emptyFilters, searchUrl } from "@/lib/search";

type Props = { params: Promise<{ slug: string }> };

// The contract has no institution(slug:) field: walk the (short) institutions listing.
async function load(slug: string) {
  for (let page: number | null | undefined = 1; page; ) {
    const { institutions }: InstitutionsQuery = await cms(InstitutionsDocument, { page });
    const found = institutions.items.find((i) => i.slug === slug);
    if (found) return found;
    page = institutions.pagination.nextPage;
  }
  notFound();
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const institution = await load(slug);
  const where = [institution.city, institution.country.name].filter(Boolean).join(", ");
  return pageMetadata(institution.name, `Open positions at ${institution.name}, ${where}.`, `/institutions/${slug}/`);
}

export default async function InstitutionPage({ params }: Props) {
  const { slug } = await params;
  const institution = await load(slug);
  const filters = { ...emptyFilters(), institutions: [slug] };
  const { jobs } = await loadSearch(filters);
  return (
    <article>
      <h1>{institution.name}</h1>
      <p className="meta">
        {label(institution.kind)} · {[institution.city, institution.country.name].filter(Boolean).join(", ")}
        {institution.websiteUrl && (
          <>
            {" · "}
            <a href={institution.websiteUrl} rel="noopener">Website</a>
          </>
        )}
      </p>
      <h2>Open positions ({jobs.pagination.total})</h2>
      <JobList jobs={jobs.items} />
      {jobs.pagination.totalPages > 1 && <Link href={searchUrl(filters)}>All {jobs.pagination.total} positions</Link>}
    </article>
  );
}
