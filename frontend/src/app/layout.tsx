import type { Metadata, Viewport } from "next";
import { Logo } from "@/components/Logo";
import { SITE_NAME, SITE_URL } from "@/lib/site";
// The design system: Open Props' tokens (bundled from npm, nothing fetched at run time), then
// this site's tokens and components on top of them.
import "open-props/fonts";
import "open-props/sizes";
import "open-props/borders";
import "open-props/indigo";
import "open-props/gray";
import "../styles/tokens.css";
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

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#14171c" },
  ],
};

const FOOTER_LINKS = [
  { href: "/about/", text: "About" },
  { href: "/post-a-job/", text: "Post a job" },
  { href: "/privacy/", text: "Privacy" },
  { href: "/terms/", text: "Terms" },
  { href: "/accessibility/", text: "Accessibility" },
];

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <header className="site-header">
          <div className="site-header-inner">
            <a href="/" className="brand" aria-label={`${SITE_NAME}, home`}>
              <Logo />
            </a>
            <nav aria-label="Main" className="main-nav">
              <a href="/jobs/">Jobs</a>
              <a href="/guides/">Guides</a>
              <a href="/glossary/">Glossary</a>
              <a href="/post-a-job/" className="nav-secondary">Post a job</a>
            </nav>
            <form method="get" action="/jobs/" role="search" className="site-search" aria-label="Site">
              <label htmlFor="site-search" className="visually-hidden">
                Search jobs
              </label>
              <input id="site-search" type="search" name="search" placeholder="Search jobs" />
              <button type="submit">Search</button>
            </form>
          </div>
        </header>
        <main id="content">{children}</main>
        <footer className="site-footer">
          <div className="site-footer-inner">
            <p className="footer-brand">
              <Logo />
            </p>
            <nav aria-label="Footer">
              <ul>
                {FOOTER_LINKS.map((link) => (
                  <li key={link.href}>
                    <a href={link.href}>{link.text}</a>
                  </li>
                ))}
                <li>
                  <a href="/jobs/feed.xml">RSS</a>
                </li>
                <li>
                  <a href="/sitemap.xml">Sitemap</a>
                </li>
              </ul>
            </nav>
            <p className="meta">Free for candidates and for institutions. No tracking, no ads.</p>
          </div>
        </footer>
      </body>
    </html>
  );
}
