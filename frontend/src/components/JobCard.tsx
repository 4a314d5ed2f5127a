import type { JobCardFieldsFragment } from "@/gql/graphql";
import { closesIn, dateText, daysUntil, salaryText } from "@/lib/format";
import { label } from "@/lib/labels";
import { pagePath } from "@/lib/site";

export function JobCard({ job }: { job: JobCardFieldsFragment }) {
  const salary = salaryText(job.salary);
  const days = daysUntil(job.closingDate);
  const soon = days != null && days >= 0 && days <= 7;
  return (
    <li className="job-card">
      <h3>
        <a href={pagePath(job.url, `/jobs/${job.slug}/`)}>{job.title}</a>
      </h3>
      <p className="employer">{job.institution.name}</p>
      <p>
        {[job.city, job.country.name].filter(Boolean).join(", ")} · {job.role.name} · {label("remotePolicy", job.remotePolicy)}
      </p>
      <p className="job-facts">
        {salary && <span className="salary">{salary}</span>}
        {job.funded && <span className="tag tag-funded">Funded</span>}
        {job.closingDate && (
          <span className={soon ? "tag tag-soon" : undefined}>
            Closes {dateText(job.closingDate)}
            {soon && ` (${closesIn(job.closingDate)})`}
          </span>
        )}
      </p>
    </li>
  );
}

export function JobList({ jobs, empty = "No open positions match right now." }: { jobs: JobCardFieldsFragment[]; empty?: string }) {
  if (!jobs.length) return <p>{empty}</p>;
  return (
    <ul className="job-list">
      {jobs.map((job) => (
        <JobCard key={job.id} job={job} />
      ))}
    </ul>
  );
}
