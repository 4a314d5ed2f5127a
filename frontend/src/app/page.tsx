import Link from "next/link";
import { JobList } from "@/components/JobCard";
import { cms } from "@/lib/cms";
import { HomeQuery } from "@/lib/queries";
import { pagePath } from "@/lib/site";

export default async function Home() {
  const { guides, jobs } = await cms(HomeQuery, {});
  return (
    <>
      <h1>Academic jobs and career guides</h1>
      <p className="summary">
        {jobs.pagination.total} open positions. <Link href="/jobs/">Search them all</Link>.
      </p>
      <section>
        <h2>Featured guides</h2>
        <ul>
          {guides.items.map((guide) => (
            <li key={guide.id}>
              <Link href={pagePath(guide.url, `/guides/${guide.slug}/`)}>{guide.title}</Link>
              <p className="meta">{guide.summary}</p>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>Latest jobs</h2>
        <JobList jobs={jobs.items} />
      </section>
    </>
  );
}
