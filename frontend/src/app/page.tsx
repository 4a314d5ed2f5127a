import { JobList } from "@/components/JobCard";
import { cms } from "@/lib/cms";
import { HomeQuery, TaxonomyQuery } from "@/lib/queries";
import { emptyFilters, searchUrl } from "@/lib/search";
import { pagePath } from "@/lib/site";

export default async function Home() {
  const [{ guides, jobs }, { roles }] = await Promise.all([cms(HomeQuery, {}), cms(TaxonomyQuery, {})]);
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Find your next research position</h1>
        <p className="summary">
          {jobs.pagination.total} open academic jobs, PhD studentships and postdocs, with guides to every step.
        </p>
        <form method="get" action="/jobs/" role="search" className="hero-search" aria-label="Jobs">
          <label htmlFor="home-search" className="visually-hidden">
            Keywords, such as a subject or an institution
          </label>
          <input id="home-search" type="search" name="search" placeholder="Subject, title or institution" />
          <button type="submit" className="button-large">Search jobs</button>
        </form>
        <ul className="quick-links" aria-label="Browse by role">
          {roles
            .filter((role) => role.jobCount > 0)
            .map((role) => (
              <li key={role.slug}>
                <a href={searchUrl({ ...emptyFilters(), roles: [role.slug] })}>
                  {role.name} ({role.jobCount})
                </a>
              </li>
            ))}
        </ul>
      </section>
      <section aria-labelledby="latest">
        <div className="section-head">
          <h2 id="latest">Latest jobs</h2>
          <a href="/jobs/">All {jobs.pagination.total} jobs</a>
        </div>
        <JobList jobs={jobs.items} />
      </section>
      <section aria-labelledby="guides">
        <div className="section-head">
          <h2 id="guides">Career guides</h2>
          <a href="/guides/">All guides</a>
        </div>
        <ul className="grid-cards">
          {guides.items.map((guide) => (
            <li key={guide.id} className="card">
              <h3>
                <a href={pagePath(guide.url, `/guides/${guide.slug}/`)}>{guide.title}</a>
              </h3>
              <p>{guide.summary}</p>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
