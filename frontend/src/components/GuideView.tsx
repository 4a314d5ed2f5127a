import Link from "next/link";
import type { GuideFieldsFragment } from "@/gql/graphql";
import { dateText } from "@/lib/format";
import { JsonLd } from "./JsonLd";
import { StreamField } from "./StreamField";

export function GuideView({ guide }: { guide: GuideFieldsFragment }) {
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
      {guide.relatedGuides.length > 0 && (
        <nav aria-label="Related guides" className="related">
          <h2>Related guides</h2>
          <ul>
            {guide.relatedGuides.map((related) =>
              related ? (
                <li key={related.slug}>
                  <Link href={related.url ?? `/guides/${related.slug}/`}>{related.title}</Link>
                </li>
              ) : null,
            )}
          </ul>
        </nav>
      )}
    </article>
  );
}
