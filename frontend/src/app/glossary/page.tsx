import Link from "next/link";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { GlossaryQuery } from "@/lib/queries";
import type { Params } from "@/lib/search";
import { pagePath } from "@/lib/site";

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

export const metadata = pageMetadata("Glossary", "Terms used in academic and research careers, A to Z.", "/glossary/");

export default async function Glossary({ searchParams }: { searchParams: Promise<Params> }) {
  const raw = (await searchParams).startsWith;
  const letter = typeof raw === "string" && LETTERS.includes(raw.toUpperCase()) ? raw.toUpperCase() : undefined;
  const { definitions } = await cms(GlossaryQuery, { startsWith: letter });
  return (
    <>
      <h1>Glossary{letter && `: ${letter}`}</h1>
      <ul className="az" aria-label="Terms by first letter">
        <li>
          <Link href="/glossary/" aria-current={letter ? undefined : "page"}>All</Link>
        </li>
        {LETTERS.map((l) => (
          <li key={l}>
            <Link href={`/glossary/?startsWith=${l}`} aria-current={l === letter ? "page" : undefined} rel="nofollow">
              {l}
            </Link>
          </li>
        ))}
      </ul>
      {definitions.items.length === 0 && <p>No terms start with {letter}.</p>}
      <dl>
        {definitions.items.map((term) => (
          <div key={term.slug}>
            <dt>
              <Link href={pagePath(term.url, `/glossary/${term.slug}/`)}>{term.term}</Link>
              {term.abbreviation && ` (${term.abbreviation})`}
            </dt>
            <dd>{term.shortDefinition}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
