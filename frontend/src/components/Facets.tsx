import type { JobSearchQuery, RemotePolicy } from "@/gql/graphql";
import { choices } from "@/lib/labels";
import { type JobFilters, type ListFilter, searchUrl, toggled } from "@/lib/search";

type Facets = JobSearchQuery["jobFacets"];
export type FacetValue = { value: string; name: string; count: number };

export const GROUPS: { key: ListFilter; title: string }[] = [
  { key: "roles", title: "Role" },
  { key: "disciplines", title: "Discipline" },
  { key: "countries", title: "Country" },
  { key: "institutions", title: "Institution" },
];
const TOP = 5; // values shown before "Show more"

export function facetValues(facets: Facets, key: ListFilter): FacetValue[] {
  return facets[key].map((f) => ({ value: "code" in f ? f.code : f.slug, name: f.name, count: f.count }));
}

function FacetLink({ href, selected, name, count }: { href: string; selected: boolean; name: string; count?: number }) {
  return (
    <a href={href} aria-current={selected ? "true" : undefined} rel="nofollow">
      <span className="facet-name">
        <span className="facet-box" aria-hidden="true" />
        {name}
      </span>
      {count != null && (
        <span className="count">
          <span className="visually-hidden">(</span>
          {count}
          <span className="visually-hidden">)</span>
        </span>
      )}
    </a>
  );
}

// Disjunctive facets: each group's counts ignore that group's own selection (jobFacets).
// The top values (and every selected one) show; the rest wait behind "Show N more", a
// <details> that needs no JavaScript.
function Group({ title, facet, values, filters }: { title: string; facet: ListFilter; values: FacetValue[]; filters: JobFilters }) {
  const isSelected = (v: FacetValue) => filters[facet].includes(v.value);
  const shown = values.filter((v, index) => index < TOP || isSelected(v));
  const more = values.filter((v) => !shown.includes(v));
  const item = (v: FacetValue) => (
    <li key={v.value}>
      <FacetLink href={searchUrl(toggled(filters, facet, v.value))} selected={isSelected(v)} name={v.name} count={v.count} />
    </li>
  );
  return (
    <section className="facet-group" data-facet={facet} aria-labelledby={`facet-${facet}`}>
      <h2 id={`facet-${facet}`}>{title}</h2>
      <ul>{shown.map(item)}</ul>
      {more.length > 0 && (
        <details className="more">
          <summary>
            <span className="when-closed">Show {more.length} more</span>
            <span className="when-open">Show fewer</span>
          </summary>
          <ul>{more.map(item)}</ul>
        </details>
      )}
    </section>
  );
}

const REMOTE = choices("remotePolicy");

export function FacetLinks({ facets, filters }: { facets: Facets; filters: JobFilters }) {
  const first = { ...filters, page: undefined };
  return (
    <div className="facets">
      {GROUPS.map(({ key, title }) => {
        const values = facetValues(facets, key);
        return values.length ? <Group key={key} title={title} facet={key} values={values} filters={filters} /> : null;
      })}
      <section className="facet-group" data-facet="remote" aria-labelledby="facet-remote">
        <h2 id="facet-remote">Work</h2>
        <ul>
          {REMOTE.map(([value, name]) => {
            const selected = filters.remote === value;
            const remote: RemotePolicy | undefined = selected ? undefined : value;
            return (
              <li key={value}>
                <FacetLink href={searchUrl({ ...first, remote })} selected={selected} name={name} />
              </li>
            );
          })}
        </ul>
      </section>
      <section className="facet-group" data-facet="funded" aria-labelledby="facet-funded">
        <h2 id="facet-funded">Funding</h2>
        <ul>
          <li>
            <FacetLink
              href={searchUrl({ ...first, fundedOnly: filters.fundedOnly ? undefined : true })}
              selected={Boolean(filters.fundedOnly)}
              name="Funded positions only"
            />
          </li>
        </ul>
      </section>
    </div>
  );
}
