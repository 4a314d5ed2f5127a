// The API's jsonLd is already a JSON string with <, > and & escaped for embedding: insert it as is.
export function JsonLd({ json }: { json: string }) {
  return <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: json }} />;
}
