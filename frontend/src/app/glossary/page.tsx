import { Breadcrumbs } from "@/components/Breadcrumbs";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import type { GlossaryTermsQuery } from "@/gql/graphql";
import { GlossaryQuery, GlossaryTermsQuery as GlossaryTermsDocument } from "@/lib/queries";
import type { Params } from "@/lib/search";
import { pagePath } from "@/lib/site";

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

export const metadata = pageMetadata("Glossary", "Terms used in academic and research careers, A to Z.", "/glossary/");

/** The first letters of every term: a letter without terms is shown but not linked. */
async function lettersWithTerms(): Promise<Set<string>> {
  const letters = new Set<string>();
  for (let page: number | null | undefined = 1; page; ) {
    const { definitions }: GlossaryTermsQuery = await cms(GlossaryTermsDocument, { page });
    for (const { term } of definitions.items) letters.add(term.charAt(0).toUpperCase());
    page = definitions.pagination.nextPage;
  }
  return letters;
}

export default async function Glossary({ searchParams }: { searchParams: Promise<Params> }) {
  const raw = (await searchParams).startsWith;
  const letter = typeof raw === "string" && LETTERS.includes(raw.toUpperCase()) ? raw.toUpperCase() : undefined;
  const [{ definitions }, letters] = await Promise.all([cms(GlossaryQuery, { startsWith: letter }), lettersWithTerms()]);
  return (
    <>
      <Breadcrumbs items={letter ? [{ href: "/glossary/", text: "Glossary" }, { text: letter }] : [{ text: "Glossary" }]} />
      <h1>Glossary{letter && `: ${letter}`}</h1>
      <nav aria-label="Terms by first letter">
        <ul className="az">
          <li>
            <a href="/glossary/" aria-current={letter ? undefined : "page"}>
              All
            </a>
          </li>
          {LETTERS.map((l) => (
            <li key={l}>
              {letters.has(l) ? (
                <a href={`/glossary/?startsWith=${l}`} aria-current={l === letter ? "page" : undefined} rel="nofollow">
                  {l}
                </a>
              ) : (
                <span aria-disabled="true" title={`No terms start with ${l}`}>
                  {l}
                </span>
              )}
            </li>
          ))}
        </ul>
      </nav>
      {definitions.items.length === 0 && <p>No terms start with {letter}.</p>}
      <dl className="glossary-list">
        {definitions.items.map((term) => (
          <div key={term.slug}>
            <dt>
              <a href={pagePath(term.url, `/glossary/${term.slug}/`)}>{term.term}</a>
              {term.abbreviation && ` (${term.abbreviation})`}
            </dt>
            <dd>{term.shortDefinition}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
