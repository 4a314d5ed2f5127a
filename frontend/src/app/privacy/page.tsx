import { StaticPage } from "@/components/StaticPage";
import { pageMetadata } from "@/lib/metadata";
import { CONTACT_EMAIL } from "@/lib/site";

export const metadata = pageMetadata("Privacy", "What we store about you, why, and how to delete it.", "/privacy/");

export default function Privacy() {
  return (
    <StaticPage title="Privacy" lead="What we store about you, why, and how to delete it.">
      <h2>Searching and reading</h2>
      <p>
        You can search and read without an account. This site sets no tracking or advertising cookies and loads nothing
        from other sites. Our servers keep ordinary access logs (address, time, page) for security, for a short time.
      </p>
      <h2 id="counts">What we count</h2>
      <p>
        For each job we count, per day, how many times its page was viewed and its apply button followed, and show
        these numbers to the institution that posted it. That is all we keep: no cookie, no address, no browser details,
        nothing that could tell one visitor from another. Crawlers, previews and prefetches are not counted.
      </p>
      <h2 id="alerts">Job alerts</h2>
      <p>When you ask for a job alert we store:</p>
      <ul>
        <li>your email address;</li>
        <li>what the alert looks for (roles, disciplines, countries, keywords, remote work) and how often it is sent;</li>
        <li>
          when you asked, when you confirmed, and when you paused or unsubscribed, which is the record of your consent;
        </li>
        <li>which jobs we have already sent you, so that no job is sent twice;</li>
        <li>if an email bounces, the time and the reason the receiving server gave.</li>
      </ul>
      <p>
        We use these only to send the alerts you asked for. We never sell or share them, and send nothing else. Nothing is
        sent until you press the button in the confirmation email.
      </p>
      <h2 id="delete">Changing and deleting your data</h2>
      <p>
        Every alert email has a link to <strong>manage your alerts</strong>: there you can change, pause or delete each
        alert, and <strong>unsubscribe</strong> from them all at once. Deleting an alert deletes what it looked for.
        Unsubscribing stops every email at once; we keep the address only as the record that it must not be emailed.
      </p>
      <p>
        The same page lets you <strong>download your data</strong> (everything above, as a JSON file) and{" "}
        <strong>erase it</strong>: your address, your alerts and the record of what we sent you go at once. If an email
        to the address bounced or was reported as spam, we keep only a one-way code of it, so that it is never emailed
        again without our storing the address. Unconfirmed sign-ups are erased after 7 days, and the record of which
        jobs we sent you is reduced to counts after 90 days. You can also write to{" "}
        <a href={`mailto:${CONTACT_EMAIL}`}>{CONTACT_EMAIL}</a> from the address concerned, and we do it for you within
        30 days.
      </p>
      <h2>Institutions</h2>
      <p>
        When an institution asks for an account we store the contact name, email address and the details given in the
        request, to check and answer it.
      </p>
    </StaticPage>
  );
}
