import Link from "next/link";
import type { JobCardFieldsFragment } from "@/gql/graphql";
import { dateText, label, salaryText } from "@/lib/format";
import { pagePath } from "@/lib/site";

export function JobCard({ job }: { job: JobCardFieldsFragment }) {
  const salary = salaryText(job.salary);
  return (
    <li className="job-card">
      <h3>
        <Link href={pagePath(job.url, `/jobs/${job.slug}/`)}>{job.title}</Link>
      </h3>
      <p className="meta">
        <Link href={`/institutions/${job.institution.slug}/`}>{job.institution.name}</Link>
        {" · "}
        {[job.city, job.country.name].filter(Boolean).join(", ")} · {job.role.name} · {label(job.remotePolicy)}
      </p>
      <p className="meta">
        {salary && <span>{salary} · </span>}
        {job.funded && <span>Funded · </span>}
        Closes {dateText(job.closingDate)}
      </p>
    </li>
  );
}

export function JobList({ jobs }: { jobs: JobCardFieldsFragment[] }) {
  if (!jobs.length) return <p>No open positions match right now.</p>;
  return (
    <ul className="job-list">
      {jobs.map((job) => (
        <JobCard key={job.id} job={job} />
      ))}
    </ul>
  );
}
