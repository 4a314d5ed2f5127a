import Link from "next/link";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { HomeQuery } from "@/lib/queries";
import { pagePath } from "@/lib/site";

export const metadata = pageMetadata("Career guides", "Guides to academic careers and research positions.", "/guides/");

export default async function Guides() {
  const { guides } = await cms(HomeQuery, {});
  return (
    <>
      <h1>Career guides</h1>
      <ul>
        {guides.items.map((guide) => (
          <li key={guide.id}>
            <Link href={pagePath(guide.url, `/guides/${guide.slug}/`)}>{guide.title}</Link>
            <p className="meta">{guide.summary}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
