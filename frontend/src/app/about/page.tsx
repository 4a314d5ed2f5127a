import { StaticPage } from "@/components/StaticPage";
import { pageMetadata } from "@/lib/metadata";
import { CONTACT_EMAIL, SITE_NAME } from "@/lib/site";

export const metadata = pageMetadata("About", `What ${SITE_NAME} is and who runs it.`, "/about/");

export default function About() {
  return (
    <StaticPage title="About" lead={`${SITE_NAME} lists academic and research jobs, PhD studentships and postdocs, with guides to the careers behind them.`}>
      <h2>For candidates</h2>
      <p>
        Searching is free and needs no account. <a href="/jobs/">Search the jobs</a>, read the{" "}
        <a href="/guides/">career guides</a> and the <a href="/glossary/">glossary</a>, and ask for an email
        alert when new jobs match a search: you choose how often, and every email has a link to change or stop it.
      </p>
      <h2>For institutions</h2>
      <p>
        Universities, research institutes and industry labs post here for free. See <a href="/post-a-job/">Post a job</a>{" "}
        for the ways in.
      </p>
      <h2>How it is built</h2>
      <p>
        The content comes from a headless CMS through a public GraphQL API; this site is its reference frontend. It sets no
        tracking cookies and loads nothing from other sites.
      </p>
      <h2>Contact</h2>
      <p>
        Write to <a href={`mailto:${CONTACT_EMAIL}`}>{CONTACT_EMAIL}</a>.
      </p>
    </StaticPage>
  );
}
