import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { GuideView } from "@/components/GuideView";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { GuideQuery } from "@/lib/queries";
import { pagePath } from "@/lib/site";

type Props = { params: Promise<{ slug: string }> };

async function load(slug: string) {
  const { guide } = await cms(GuideQuery, { slug });
  return guide ?? notFound();
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const guide = await load((await params).slug);
  return pageMetadata(guide.title, guide.summary, pagePath(guide.url, `/guides/${guide.slug}/`), "article");
}

export default async function GuidePage({ params }: Props) {
  return <GuideView guide={await load((await params).slug)} />;
}
