import { Breadcrumbs } from "./Breadcrumbs";

// The site's own pages (about, privacy, terms...): a breadcrumb, a title, prose.
export function StaticPage({ title, lead, children }: { title: string; lead?: string; children: React.ReactNode }) {
  return (
    <article className="static-page">
      <Breadcrumbs items={[{ text: title }]} />
      <h1>{title}</h1>
      {lead && <p className="summary">{lead}</p>}
      <div className="prose">{children}</div>
    </article>
  );
}
