import { AccountRequestForm } from "@/components/AccountRequestForm";
import { StaticPage } from "@/components/StaticPage";
import { cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { AllCountriesQuery } from "@/lib/queries";
import { CONTACT_EMAIL } from "@/lib/site";

export const metadata = pageMetadata(
  "Post a job",
  "Universities, research institutes and labs post their positions here for free.",
  "/post-a-job/",
);

export default async function PostAJob() {
  const { countries } = await cms(AllCountriesQuery, {});
  return (
    <StaticPage
      title="Post a job"
      lead="Universities, research institutes and industry labs post here for free: no fees, no credits, no featured listings to buy."
    >
      <h2>Three ways in</h2>
      <ol className="steps">
        <li>
          <strong>An institution account.</strong> Your staff post and edit jobs in our editor; a moderator checks a
          new account&apos;s first postings before they go live.
        </li>
        <li>
          <strong>An API key.</strong> Your HR system creates and closes jobs through our API as soon as it does on
          your own site.
        </li>
        <li>
          <strong>A feed.</strong> Give us the address of your jobs feed (HR-XML, JSON or RSS): we import it every
          hour, and jobs leave when they leave your feed.
        </li>
      </ol>
      <h2>Getting started</h2>
      <p>
        All three start with an institution account. Ask for one below: we check that you speak for the institution,
        usually within two working days, and email you an invitation to set your password. With the account you post
        and edit jobs and add your feed; ask us for an API key for your HR system once it is set up.
      </p>
      <AccountRequestForm countries={countries} />
      <p>
        Questions first? Write to <a href={`mailto:${CONTACT_EMAIL}`}>{CONTACT_EMAIL}</a>.
      </p>
    </StaticPage>
  );
}
