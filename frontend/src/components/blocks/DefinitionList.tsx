import type { BlockOf } from "./types";
import { pagePath } from "@/lib/site";

// Terms are glossary pages, written once: each links to its own page.
export function DefinitionList({ block }: { block: BlockOf<"DefinitionListBlock"> }) {
  return (
    <section className="definition-list">
      {block.heading && <h3>{block.heading}</h3>}
      <dl>
        {block.terms.map((term) => (
          <div key={term.id ?? term.slug}>
            <dt>
              <a href={pagePath(term.url, `/glossary/${term.slug}/`)}>{term.term}</a>
              {term.abbreviation && <abbr title={term.term}> ({term.abbreviation})</abbr>}
            </dt>
            <dd>{term.shortDefinition}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
