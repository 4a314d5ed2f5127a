import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DefinitionView } from "@/components/DefinitionView";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { DefinitionQuery } from "@/lib/queries";
import { pagePath } from "@/lib/site";

type Props = { params: Promise<{ slug: string }> };

async function load(slug: string) {
  const { definition } = await cms(DefinitionQuery, { slug });
  return definition ?? notFound();
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const term = await load((await params).slug);
  return pageMetadata(term.term, term.shortDefinition, pagePath(term.url, `/glossary/${term.slug}/`), "article");
}

export default async function DefinitionPage({ params }: Props) {
  return <DefinitionView definition={await load((await params).slug)} />;
}
