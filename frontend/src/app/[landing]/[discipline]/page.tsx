import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JobSearchView, loadSearch } from "@/components/JobSearchView";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { TaxonomyQuery } from "@/lib/queries";
import { type Params, emptyFilters, landingUrl, parseFilters, searchUrl } from "@/lib/search";

type Props = { params: Promise<{ landing: string; discipline: string }>; searchParams: Promise<Params> };

// /phd-jobs/machine-learning: a role × discipline search with a real, indexable address.
async function landing({ params }: Pick<Props, "params">) {
  const { landing, discipline: disciplineSlug } = await params;
  const roleSlug = landing.endsWith("-jobs") ? landing.slice(0, -"-jobs".length) : "";
  const { roles, disciplines } = await cms(TaxonomyQuery, {});
  const role = roles.find((r) => r.slug === roleSlug);
  const discipline = disciplines.find((d) => d.slug === disciplineSlug);
  if (!role || !discipline) notFound();
  return { role, discipline, title: `${role.name} jobs in ${discipline.name}` };
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { role, discipline, title } = await landing({ params });
  const description = `Open ${role.name} positions in ${discipline.name}.`;
  return pageMetadata(title, description, landingUrl(role.slug, discipline.slug));
}

export default async function LandingPage({ params, searchParams }: Props) {
  const { role, discipline, title } = await landing({ params });
  const filters = { ...parseFilters(await searchParams), roles: [role.slug], disciplines: [discipline.slug] };
  const crumbs = [
    { href: "/jobs/", text: "Jobs" },
    { href: searchUrl({ ...emptyFilters(), roles: [role.slug] }), text: role.name },
    { text: discipline.name },
  ];
  return <JobSearchView title={title} filters={filters} data={await loadSearch(filters)} crumbs={crumbs} />;
}
