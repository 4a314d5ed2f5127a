import type { GuideFieldsFragment, GuideQuery } from "@/gql/graphql";
import { dateText, readingMinutes } from "@/lib/format";
import { Breadcrumbs } from "./Breadcrumbs";
import { JsonLd } from "./JsonLd";
import { StreamField } from "./StreamField";
import type { Block } from "./blocks/types";
import { pagePath } from "@/lib/site";

type Guide = GuideFieldsFragment & Partial<Pick<NonNullable<GuideQuery["guide"]>, "relatedGuides">>;

/** The table of contents: the guide's top-level section headings that have an anchor. */
function sections(blocks: (Block | null)[]) {
  return blocks.flatMap((block) =>
    block?.__typename === "SectionHeadingBlock" && block.anchor && block.level !== "h3" && block.level !== "h4"
      ? [{ anchor: block.anchor, text: block.text }]
      : [],
  );
}

/** The words a reader reads: every text-bearing block. */
function texts(blocks: (Block | null)[]): string[] {
  return blocks.flatMap((block) => {
    switch (block?.__typename) {
      case "RichTextBlock":
        return [block.value];
      case "SectionHeadingBlock":
        return [block.text];
      case "BulletListBlock":
        return (block.items ?? []).map((item) => (item?.__typename === "LabelledItemBlock" ? `${item.label ?? ""} ${item.text}` : ""));
      case "DefinitionListBlock":
        return block.terms.map((t) => `${t.term} ${t.shortDefinition}`);
      case "QuoteBlock":
        return [block.quote];
      case "StatisticBlock":
        return [`${block.value} ${block.label}`];
      default:
        return [];
    }
  });
}

export function GuideView({ guide }: { guide: Guide }) {
  const related = guide.relatedGuides?.filter((g) => g !== null) ?? [];
  const blocks = guide.body ?? [];
  const toc = sections(blocks);
  const minutes = readingMinutes(texts(blocks));
  return (
    <article className="guide">
      <JsonLd json={guide.jsonLd} />
      <Breadcrumbs items={[{ href: "/guides/", text: "Guides" }, { text: guide.title }]} />
      <header>
        <h1>{guide.title}</h1>
        {guide.subtitle && <p className="subtitle">{guide.subtitle}</p>}
        <p className="summary">{guide.summary}</p>
        <p className="meta small">
          <span data-reading-time={minutes}>{minutes} min read</span>
          {guide.lastReviewed && <> · Last reviewed {dateText(guide.lastReviewed)}</>}
        </p>
      </header>
      <div className="guide-layout">
        {toc.length > 1 && (
          <nav className="toc" aria-labelledby="toc-title">
            <h2 id="toc-title">On this page</h2>
            <ol>
              {toc.map((section) => (
                <li key={section.anchor}>
                  <a href={`#${section.anchor}`}>{section.text}</a>
                </li>
              ))}
            </ol>
          </nav>
        )}
        <div className="guide-body prose">
          <StreamField blocks={guide.body} />
          {related.length > 0 && (
            <nav aria-label="Related guides" className="related">
              <h2>Related guides</h2>
              <ul>
                {related.map((other) => (
                  <li key={other.slug}>
                    <a href={pagePath(other.url, `/guides/${other.slug}/`)}>{other.title}</a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </div>
      </div>
    </article>
  );
}
