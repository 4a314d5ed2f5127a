import { Breadcrumbs } from "@/components/Breadcrumbs";
import { Notice } from "@/components/Notice";
import { SubscribeForm } from "@/components/SubscribeForm";
import { noIndex } from "@/lib/metadata";
import { pathToken } from "@/lib/query";
import { type Params, emptyFilters } from "@/lib/search";

export const metadata = { title: "Unsubscribe", ...noIndex };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ token: string }>; searchParams: Promise<Params> };

export default async function UnsubscribePage({ params, searchParams }: Props) {
  const { token } = await params;
  const { status } = await searchParams;
  if (status === "unsubscribed") {
    // Done: nothing here is editable any more; the way back is a new sign-up, confirmed by email.
    return (
      <>
        <Breadcrumbs items={[{ text: "Unsubscribed" }]} />
        <h1>You are unsubscribed</h1>
        <Notice status={status} />
        <p>
          No more job alert emails will be sent to this address. <a href="/jobs/">Search the jobs</a> any time.
        </p>
        <SubscribeForm filters={emptyFilters()} title="Changed your mind? Subscribe again" />
      </>
    );
  }
  return (
    <>
      <Breadcrumbs items={[{ text: "Unsubscribe" }]} />
      <h1>Unsubscribe from job alerts</h1>
      <Notice status={status} />
      <p>This stops every job alert email to your address. To stop just one alert, pause or delete it instead.</p>
      <div className="alert-actions">
        <form method="post" action="/api/alerts/unsubscribe/">
          <input type="hidden" name="token" value={pathToken(token)} />
          <button type="submit" className="button-danger">
            Unsubscribe from all job alerts
          </button>
        </form>
        <a className="button button-secondary" href={`/alerts/manage/?token=${encodeURIComponent(pathToken(token))}`}>
          Manage my alerts instead
        </a>
      </div>
    </>
  );
}
