import { StaticPage } from "@/components/StaticPage";
import { pageMetadata } from "@/lib/metadata";

export const metadata = pageMetadata("Terms", "The terms of using this site.", "/terms/");

export default function Terms() {
  return (
    <StaticPage title="Terms" lead="Plain terms for a free service.">
      <h2>Job listings</h2>
      <p>
        Jobs are posted by the institutions that offer them, which are responsible for what they say. We check who
        posts, but apply on the employer&apos;s own site or address, and check details with them.
      </p>
      <h2>Using the site</h2>
      <p>
        You may search, read, link to and share any page, and use the RSS feeds and the public API within their rate
        limits. Do not use the site to send spam or to collect people&apos;s contact details.
      </p>
      <h2>Alerts</h2>
      <p>
        Job alerts are free and you can stop them at any time (see <a href="/privacy/">Privacy</a>).
      </p>
    </StaticPage>
  );
}
