import type { Metadata } from "next";

/** Title, description, canonical URL and Open Graph tags of one page. */
export function pageMetadata(title: string, description: string, path: string, type: "website" | "article" = "website"): Metadata {
  return {
    title,
    description,
    alternates: { canonical: path },
    openGraph: { title, description, url: path, type },
  };
}

export const noIndex: Metadata = { robots: { index: false, follow: false } };
