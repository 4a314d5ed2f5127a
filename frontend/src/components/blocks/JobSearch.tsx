import { emptyFilters, searchUrl } from "@/lib/search";
import { JobList } from "../JobCard";
import { RichText } from "../RichText";
import type { BlockOf } from "./types";

// A call to action: the live jobs of the search it stands for, and a link to that search.
export function JobSearch({ block }: { block: BlockOf<"JobSearchBlock"> }) {
  const href = searchUrl({
    ...emptyFilters(),
    roles: block.role ? [block.role.slug] : [],
    disciplines: block.discipline ? [block.discipline.slug] : [],
    countries: block.country ? [block.country] : [],
    remote: block.remoteOnly ? "REMOTE" : undefined,
  });
  return (
    <aside className="job-search-cta">
      {block.heading && <h3>{block.heading}</h3>}
      <RichText html={block.intro} />
      <JobList jobs={block.jobs} />
      <p>
        <a className="button" href={href}>
          {block.buttonLabel}
          {block.jobCount != null && ` (${block.jobCount})`}
        </a>
      </p>
    </aside>
  );
}
