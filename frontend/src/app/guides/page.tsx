import { Breadcrumbs } from "@/components/Breadcrumbs";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { HomeQuery } from "@/lib/queries";
import { pagePath } from "@/lib/site";

export const metadata = pageMetadata("Career guides", "Guides to academic careers and research positions.", "/guides/");

export default async function Guides() {
  const { guides } = await cms(HomeQuery, {});
  return (
    <>
      <Breadcrumbs items={[{ text: "Guides" }]} />
      <h1>Career guides</h1>
      <ul className="grid-cards">
        {guides.items.map((guide) => (
          <li key={guide.id} className="card">
            <h2 className="h3">
              <a href={pagePath(guide.url, `/guides/${guide.slug}/`)}>{guide.title}</a>
            </h2>
            <p>{guide.summary}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
