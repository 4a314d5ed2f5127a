import Link from "next/link";
import type { JobFieldsFragment } from "@/gql/graphql";
import { dateText, label, salaryText } from "@/lib/format";
import { emptyFilters, searchUrl } from "@/lib/search";
import { JsonLd } from "./JsonLd";
import { RichText } from "./RichText";

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  if (children == null || children === "" || children === false) return null;
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function JobView({ job }: { job: JobFieldsFragment }) {
  const place = [job.department, job.city, job.country.name].filter(Boolean).join(", ");
  const contract =
    job.contractType === "FIXED_TERM" && job.durationMonths
      ? `Fixed term, ${job.durationMonths} months`
      : label(job.contractType);
  return (
    <article className="job">
      <JsonLd json={job.jsonLd} />
      <header>
        <h1>{job.title}</h1>
        <p className="meta">
          <Link href={`/institutions/${job.institution.slug}/`}>{job.institution.name}</Link> · {place}
        </p>
      </header>
      <dl className="facts">
        <Fact term={job.funded ? "Stipend" : "Salary"}>{salaryText(job.salary) ?? "Not stated"}</Fact>
        <Fact term="Funding">{job.funded ? job.fundingDetails || "Funded" : job.fundingDetails}</Fact>
        <Fact term="Role">
          <Link href={searchUrl({ ...emptyFilters(), roles: [job.role.slug] })}>{job.role.name}</Link>
        </Fact>
        <Fact term="Disciplines">
          {job.disciplines.length > 0 &&
            job.disciplines.map((d, i) =>
              d ? (
                <span key={d.slug}>
                  {i > 0 && ", "}
                  <Link href={searchUrl({ ...emptyFilters(), disciplines: [d.slug] })}>{d.name}</Link>
                </span>
              ) : null,
            )}
        </Fact>
        <Fact term="Work">{label(job.remotePolicy)}</Fact>
        <Fact term="Employment">{label(job.employmentType)}</Fact>
        <Fact term="Contract">{contract}</Fact>
        <Fact term="Education">{job.educationRequirement}</Fact>
        <Fact term="Posted">{dateText(job.postedAt)}</Fact>
        <Fact term="Starts">{dateText(job.startDate)}</Fact>
        <Fact term="Closes">{dateText(job.closingDate)}</Fact>
        <Fact term="Reference">{job.reference}</Fact>
      </dl>
      <section>
        <h2>About the position</h2>
        <RichText html={job.description} />
      </section>
      {job.requirements && (
        <section>
          <h2>Requirements</h2>
          <RichText html={job.requirements} />
        </section>
      )}
      <section className="apply">
        <h2>How to apply</h2>
        <RichText html={job.howToApply} />
        {job.applicationUrl && (
          <p>
            <a className="button" href={job.applicationUrl} rel="nofollow noopener">
              Apply on the employer&apos;s site
            </a>
          </p>
        )}
        {job.applicationEmail && (
          <p>
            Or email <a href={`mailto:${job.applicationEmail}`}>{job.applicationEmail}</a>
          </p>
        )}
      </section>
      {job.keywords && job.keywords.length > 0 && <p className="meta">Keywords: {job.keywords.filter(Boolean).join(", ")}</p>}
    </article>
  );
}
