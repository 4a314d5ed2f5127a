// The CMS sanitises rich text and expands its links before sending it.
export function RichText({ html, className }: { html: string | null | undefined; className?: string }) {
  if (!html) return null;
  return <div className={className ?? "rich-text"} dangerouslySetInnerHTML={{ __html: html }} />;
}
