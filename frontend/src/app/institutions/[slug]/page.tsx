import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JobSearchView, loadSearch } from "@/components/JobSearchView";
import { cms, mediaUrl } from "@/lib/cms";
import { label } from "@/lib/labels";
import { pageMetadata } from "@/lib/metadata";
import type { InstitutionsQuery } from "@/gql/graphql";
import { InstitutionsQuery as InstitutionsDocument } from "@/lib/queries";
import { type Params, parseFilters } from "@/lib/search";

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<Params> };

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

// An institution's card and its open jobs, searchable and filtered like the job search.
export default async function InstitutionPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const institution = await load(slug);
  const filters = { ...parseFilters(await searchParams), institutions: [slug] };
  const where = [institution.city, institution.country.name].filter(Boolean).join(", ");
  const intro = (
    <div className="institution-card institution-head">
      {institution.logo && (
        // eslint-disable-next-line @next/next/no-img-element -- CMS media at its own size
        <img src={mediaUrl(institution.logo.url)} alt={`${institution.name} logo`} width={64} height={64} />
      )}
      <p className="meta">
        {label("institutionKind", institution.kind)} · {where}
        {institution.websiteUrl && (
          <>
            {" · "}
            <a href={institution.websiteUrl} rel="noopener">
              Website
            </a>
          </>
        )}
        <br />
        {institution.jobCount} open {institution.jobCount === 1 ? "position" : "positions"}
      </p>
    </div>
  );
  return (
    <JobSearchView
      title={institution.name}
      filters={filters}
      data={await loadSearch(filters)}
      crumbs={[{ href: "/jobs/", text: "Jobs" }, { text: institution.name }]}
      intro={intro}
    />
  );
}
