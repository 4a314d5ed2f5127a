import type { DefinitionFieldsFragment, DefinitionQuery } from "@/gql/graphql";
import { Breadcrumbs } from "./Breadcrumbs";
import { JsonLd } from "./JsonLd";
import { StreamField } from "./StreamField";
import { pagePath } from "@/lib/site";

function Links({ title, items }: { title: string; items: { key: string; href: string; text: string }[] }) {
  if (!items.length) return null;
  return (
    <section>
      <h2>{title}</h2>
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            <a href={item.href}>{item.text}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

type Definition = DefinitionFieldsFragment &
  Partial<Pick<NonNullable<DefinitionQuery["definition"]>, "relatedTerms">>;

export function DefinitionView({ definition }: { definition: Definition }) {
  const related = (definition.relatedTerms ?? []).flatMap((t) =>
    t ? [{ key: t.slug, href: pagePath(t.url, `/glossary/${t.slug}/`), text: t.term }] : [],
  );
  const usedIn = definition.usedIn.flatMap((g) => (g ? [{ key: g.slug, href: pagePath(g.url, `/guides/${g.slug}/`), text: g.title }] : []));
  return (
    <article className="definition">
      <JsonLd json={definition.jsonLd} />
      <Breadcrumbs items={[{ href: "/glossary/", text: "Glossary" }, { text: definition.term }]} />
      <h1>
        {definition.term}
        {definition.abbreviation && <span className="abbreviation"> ({definition.abbreviation})</span>}
      </h1>
      <p className="summary">{definition.shortDefinition}</p>
      {definition.aliases && definition.aliases.length > 0 && (
        <p className="meta">Also called: {definition.aliases.filter(Boolean).join(", ")}</p>
      )}
      <StreamField blocks={definition.body} />
      <Links title="Related terms" items={related} />
      <Links title="Guides that use this term" items={usedIn} />
    </article>
  );
}
