import Link from "next/link";
import type { JobSearchQuery } from "@/gql/graphql";
import { type JobFilters, type ListFilter, searchUrl, toggled } from "@/lib/search";

type Facets = JobSearchQuery["jobFacets"];
const GROUPS: { key: ListFilter; title: string }[] = [
  { key: "roles", title: "Role" },
  { key: "disciplines", title: "Discipline" },
  { key: "countries", title: "Country" },
  { key: "institutions", title: "Institution" },
];

// Disjunctive facets: each group's counts ignore that group's own selection (jobFacets).
export function FacetLinks({ facets, filters }: { facets: Facets; filters: JobFilters }) {
  return (
    <nav aria-label="Filter jobs" className="facets">
      {GROUPS.map(({ key, title }) => {
        const values = facets[key].map((f) => ({ value: "code" in f ? f.code : f.slug, name: f.name, count: f.count }));
        if (!values.length) return null;
        return (
          <section key={key} data-facet={key}>
            <h2>{title}</h2>
            <ul>
              {values.map(({ value, name, count }) => {
                const selected = filters[key].includes(value);
                return (
                  <li key={value}>
                    <Link
                      href={searchUrl(toggled(filters, key, value))}
                      aria-current={selected ? "true" : undefined}
                      className={selected ? "selected" : undefined}
                      rel="nofollow"
                    >
                      {selected ? "✓ " : ""}
                      {name} <span className="count">({count})</span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
