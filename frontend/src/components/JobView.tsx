import type { JobCardFieldsFragment, JobFieldsFragment } from "@/gql/graphql";
import { applyUrl, mediaUrl } from "@/lib/cms";
import { closesIn, dateText, salaryText } from "@/lib/format";
import { label } from "@/lib/labels";
import { emptyFilters, searchUrl } from "@/lib/search";
import { Breadcrumbs } from "./Breadcrumbs";
import { JobList } from "./JobCard";
import { JsonLd } from "./JsonLd";
import { RichText } from "./RichText";
import { ViewBeacon } from "./ViewBeacon";

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  if (children == null || children === "" || children === false) return null;
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

// A published job's apply action goes through the CMS, which counts the click (no cookie,
// nothing about the visitor kept) and redirects to the same address (cms/activity.py); a
// draft in Preview links straight to it.
function ApplyButton({ job, counted }: { job: JobFieldsFragment; counted: boolean }) {
  if (job.applicationUrl)
    return (
      <a
        className="button button-large"
        href={counted && job.id ? applyUrl(job.id) : job.applicationUrl}
        rel="nofollow noopener"
      >
        Apply on the employer&apos;s site
      </a>
    );
  if (job.applicationEmail)
    return (
      <a
        className="button button-large"
        href={counted && job.id ? applyUrl(job.id) : `mailto:${job.applicationEmail}`}
        rel="nofollow"
      >
        Apply by email
      </a>
    );
  return (
    <a className="button button-large" href="#how-to-apply">
      How to apply
    </a>
  );
}

/** What a candidate decides on, at a glance, with the way to apply. */
function KeyFacts({ job, counted }: { job: JobFieldsFragment; counted: boolean }) {
  const contract =
    job.contractType === "FIXED_TERM" && job.durationMonths
      ? `Fixed term, ${job.durationMonths} months`
      : label("contractType", job.contractType);
  const place = [job.city, job.country.name].filter(Boolean).join(", ");
  const closes = closesIn(job.closingDate);
  return (
    <section className="key-facts" aria-labelledby="key-facts">
      <h2 id="key-facts">Key facts</h2>
      <dl>
        <Fact term={job.funded ? "Stipend" : "Salary"}>{salaryText(job.salary) ?? "Not stated"}</Fact>
        <Fact term="Funding">{job.funded ? job.fundingDetails || "Funded" : job.fundingDetails || null}</Fact>
        <Fact term="Closing date">
          {job.closingDate && (
            <>
              {dateText(job.closingDate)}
              {closes && <span className="closes-in">({closes})</span>}
            </>
          )}
        </Fact>
        <Fact term="Contract">
          {[contract, label("employmentType", job.employmentType)].filter(Boolean).join(" · ")}
        </Fact>
        <Fact term="Location">
          {place} · {label("remotePolicy", job.remotePolicy)}
        </Fact>
      </dl>
      <ApplyButton job={job} counted={counted} />
      {job.applicationUrl && job.applicationEmail && (
        <p className="apply-email">
          Or email <a href={`mailto:${job.applicationEmail}`}>{job.applicationEmail}</a>
        </p>
      )}
    </section>
  );
}

function InstitutionCard({ institution }: { institution: JobFieldsFragment["institution"] }) {
  const where = [institution.city, institution.country.name].filter(Boolean).join(", ");
  return (
    <section className="card institution-card" aria-labelledby="institution">
      {institution.logo && (
        // eslint-disable-next-line @next/next/no-img-element -- CMS media at its own size
        <img src={mediaUrl(institution.logo.url)} alt="" width={64} height={64} loading="lazy" />
      )}
      <div>
        <h2 id="institution" className="h3">
          <a href={`/institutions/${institution.slug}/`}>{institution.name}</a>
        </h2>
        <p className="meta small">
          {label("institutionKind", institution.kind)} · {where}
        </p>
        <p className="small">
          <a href={`/institutions/${institution.slug}/`}>
            {institution.jobCount} open {institution.jobCount === 1 ? "position" : "positions"}
          </a>
          {institution.websiteUrl && (
            <>
              {" · "}
              <a href={institution.websiteUrl} rel="noopener">
                Website
              </a>
            </>
          )}
        </p>
      </div>
    </section>
  );
}

export function JobView({
  job,
  similar = [],
  counted = false,
}: {
  job: JobFieldsFragment;
  similar?: JobCardFieldsFragment[];
  // A published job (not a Preview): its views and apply clicks are counted.
  counted?: boolean;
}) {
  const place = [job.department, job.city, job.country.name].filter(Boolean).join(", ");
  const others = similar.filter((other) => other.slug !== job.slug).slice(0, 4);
  return (
    <article className="job">
      <JsonLd json={job.jsonLd} />
      {counted && job.id && <ViewBeacon id={job.id} />}
      <Breadcrumbs
        items={[
          { href: "/jobs/", text: "Jobs" },
          { href: searchUrl({ ...emptyFilters(), roles: [job.role.slug] }), text: job.role.name },
          { text: job.title },
        ]}
      />
      <header className="job-header">
        <h1>{job.title}</h1>
        <p className="employer">
          <a href={`/institutions/${job.institution.slug}/`}>{job.institution.name}</a>
        </p>
        <p className="meta">{place}</p>
      </header>
      <div className="job-layout">
        <aside className="job-aside stack" aria-label="Key facts and institution">
          <KeyFacts job={job} counted={counted} />
          <InstitutionCard institution={job.institution} />
        </aside>
        <div className="job-main">
          <section>
            <h2>About the position</h2>
            <div className="prose">
              <RichText html={job.description} />
            </div>
          </section>
          {job.requirements && (
            <section>
              <h2>Requirements</h2>
              <div className="prose">
                <RichText html={job.requirements} />
              </div>
            </section>
          )}
          <section>
            <h2>Details</h2>
            <dl className="facts">
              <Fact term="Role">
                <a href={searchUrl({ ...emptyFilters(), roles: [job.role.slug] })}>{job.role.name}</a>
              </Fact>
              <Fact term="Disciplines">
                {job.disciplines.length > 0 &&
                  job.disciplines.map((d, i) =>
                    d ? (
                      <span key={d.slug}>
                        {i > 0 && ", "}
                        <a href={searchUrl({ ...emptyFilters(), disciplines: [d.slug] })}>{d.name}</a>
                      </span>
                    ) : null,
                  )}
              </Fact>
              <Fact term="Education">{job.educationRequirement ? label("education", job.educationRequirement) : null}</Fact>
              <Fact term="Posted">{dateText(job.postedAt)}</Fact>
              <Fact term="Starts">{dateText(job.startDate)}</Fact>
              <Fact term="Reference">{job.reference}</Fact>
            </dl>
          </section>
          <section className="apply" id="how-to-apply" aria-labelledby="how-to-apply-title">
            <h2 id="how-to-apply-title">How to apply</h2>
            <div className="prose">
              <RichText html={job.howToApply} />
            </div>
            <p>
              <ApplyButton job={job} counted={counted} />
            </p>
          </section>
          {job.keywords && job.keywords.length > 0 && (
            <p className="meta small">Keywords: {job.keywords.filter(Boolean).join(", ")}</p>
          )}
        </div>
      </div>
      {others.length > 0 && (
        <section aria-labelledby="similar" className="similar">
          <h2 id="similar">Similar jobs</h2>
          <JobList jobs={others} />
        </section>
      )}
    </article>
  );
}
