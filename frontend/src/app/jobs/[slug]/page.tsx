import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JobView } from "@/components/JobView";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { JobQuery, SimilarJobsQuery } from "@/lib/queries";
import { pagePath } from "@/lib/site";

type Props = { params: Promise<{ slug: string }> };

async function load(slug: string) {
  const { job } = await cms(JobQuery, { slug });
  return job ?? notFound();
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const job = await load((await params).slug);
  const description = job.searchDescription || `${job.title} at ${job.institution.name}, ${job.country.name}.`;
  return pageMetadata(`${job.title}, ${job.institution.name}`, description, pagePath(job.url, `/jobs/${job.slug}/`));
}

export default async function JobPage({ params }: Props) {
  const job = await load((await params).slug);
  const discipline = job.disciplines.find(Boolean);
  const { jobs } = await cms(SimilarJobsQuery, {
    roles: [job.role.slug],
    disciplines: discipline ? [discipline.slug] : undefined,
  });
  return <JobView job={job} similar={jobs.items} counted />;
}
