import Link from "next/link";
import type { GuideFieldsFragment, GuideQuery } from "@/gql/graphql";
import { dateText } from "@/lib/format";
import { JsonLd } from "./JsonLd";
import { StreamField } from "./StreamField";
import { pagePath } from "@/lib/site";

type Guide = GuideFieldsFragment & Partial<Pick<NonNullable<GuideQuery["guide"]>, "relatedGuides">>;

export function GuideView({ guide }: { guide: Guide }) {
  const related = guide.relatedGuides?.filter((g) => g !== null) ?? [];
  return (
    <article className="guide">
      <JsonLd json={guide.jsonLd} />
      <header>
        <h1>{guide.title}</h1>
        {guide.subtitle && <p className="subtitle">{guide.subtitle}</p>}
        <p className="summary">{guide.summary}</p>
        {guide.lastReviewed && <p className="meta">Last reviewed {dateText(guide.lastReviewed)}</p>}
      </header>
      <StreamField blocks={guide.body} />
      {related.length > 0 && (
        <nav aria-label="Related guides" className="related">
          <h2>Related guides</h2>
          <ul>
            {related.map((other) => (
              <li key={other.slug}>
                <Link href={pagePath(other.url, `/guides/${other.slug}/`)}>{other.title}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </article>
  );
}
