import type { Metadata } from "next";
import Link from "next/link";
import { SITE_NAME, SITE_URL } from "@/lib/site";
import "./globals.css";

// Every page renders on request from cached CMS answers (dropped by /api/revalidate), so
// building needs no CMS and a publish shows at once.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  metadataBase: new URL(SITE_URL),
  title: { default: SITE_NAME, template: `%s | ${SITE_NAME}` },
  description: "Academic jobs, PhD positions and career guides for researchers.",
  openGraph: { siteName: SITE_NAME, type: "website" },
  alternates: { types: { "application/rss+xml": "/jobs/feed.xml" } },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            {SITE_NAME}
          </Link>
          <nav aria-label="Main">
            <Link href="/jobs/">Jobs</Link>
            <Link href="/guides/">Guides</Link>
            <Link href="/glossary/">Glossary</Link>
          </nav>
        </header>
        <main>{children}</main>
        <footer className="site-footer">
          <p>
            {SITE_NAME} · <a href="/jobs/feed.xml">RSS</a> · <Link href="/sitemap.xml">Sitemap</Link>
          </p>
        </footer>
      </body>
    </html>
  );
}
