import { cookies } from "next/headers";
import { AlertForm } from "@/components/AlertForm";
import { Breadcrumbs } from "@/components/Breadcrumbs";
import { ConfirmPanel } from "@/components/ConfirmPanel";
import { Notice } from "@/components/Notice";
import { SubscribeForm } from "@/components/SubscribeForm";
import { alertSummary } from "@/lib/alerts";
import { CmsError, cms } from "@/lib/cms";
import { pageMetadata } from "@/lib/metadata";
import { AlertOptionsQuery, SubscriptionQuery } from "@/lib/queries";
import { type Params, emptyFilters } from "@/lib/search";
import { cookieToken } from "@/lib/subscriberToken";

// The address holds no secret (the email's ?token= is traded for a cookie by middleware.ts),
// so the page may be indexed: crawlers, who have no cookie, see how to get a manage link.
// What a subscriber sees is never cached (Cache-Control: private, no-store, middleware.ts).
export const metadata = pageMetadata(
  "Your job alerts",
  "Change, pause or delete your job alerts, download or erase your data: open the link in any job alert email.",
  "/alerts/manage/",
);
export const dynamic = "force-dynamic";

async function subscriber(token: string) {
  try {
    return (await cms(SubscriptionQuery, { token }, "private")).subscription;
  } catch (error) {
    if (error instanceof CmsError) return null; // an expired or forged token
    throw error;
  }
}

// Every link and form here leaves the token out: the route handlers read the cookie.
const MANAGE = "/alerts/manage/";

function Hidden({ id }: { id: string }) {
  return <input type="hidden" name="id" value={id} />;
}

const CRUMBS = [{ text: "Your job alerts" }];

/** Download everything we hold about the address, or erase it (after a second step). */
function YourData({ erasing }: { erasing: boolean }) {
  return (
    <section aria-labelledby="your-data">
      <h2 id="your-data">Your data</h2>
      <p>
        Download everything we hold about your address (your alerts, your consent, what we sent you), or erase it all.
        See <a href="/privacy/#delete">what we keep and why</a>.
      </p>
      {erasing ? (
        <ConfirmPanel action="/api/alerts/erase/" confirm="Yes, erase everything" cancelHref={MANAGE}>
          <strong>Erase your address and all your alerts?</strong> Nothing can be restored, and this link stops working.
        </ConfirmPanel>
      ) : (
        <div className="alert-actions">
          <form method="post" action="/api/alerts/data/">
            <button type="submit" className="button-secondary">
              Download my data (JSON)
            </button>
          </form>
          <a className="button button-secondary button-delete" href={`${MANAGE}?erase=1#your-data`}>
            Erase everything…
          </a>
        </div>
      )}
    </section>
  );
}

/** For a visitor without a (valid) cookie: how to get to their alerts, or start one. */
function NoSubscriber({ expired, status }: { expired: boolean; status: Params[string] }) {
  return (
    <>
      <Breadcrumbs items={CRUMBS} />
      <h1>Your job alerts</h1>
      <Notice status={expired ? "invalid" : status} />
      <p>
        To change, pause or delete your job alerts, open the <strong>Manage or pause your alerts</strong> link at the foot of any
        job alert email: it brings you here, signed in for an hour on that device. No password needed.
      </p>
      <p>
        Lost the emails? Sign up again below with the same address: confirming brings you here. See{" "}
        <a href="/privacy/#alerts">what we keep and how to delete it</a>.
      </p>
      <SubscribeForm filters={emptyFilters()} title="Create a job alert" />
    </>
  );
}

export default async function ManagePage({ searchParams }: { searchParams: Promise<Params> }) {
  const { status, delete: deleting, edit: editing, erase, unsubscribe } = await searchParams;
  const token = cookieToken(await cookies());
  const found = token ? await subscriber(token) : null;
  if (!found) return <NoSubscriber expired={Boolean(token)} status={status} />;
  if (found.status === "unsubscribed") {
    return (
      <>
        <Breadcrumbs items={CRUMBS} />
        <h1>Your job alerts</h1>
        <Notice status="unsubscribed" />
        <p>
          <strong>{found.email}</strong> gets no job alert emails. Your old alerts are kept switched off.
        </p>
        <h2>Changed your mind?</h2>
        <SubscribeForm filters={emptyFilters()} title="Subscribe again" />
        <YourData erasing={erase === "1"} />
      </>
    );
  }
  const options = await cms(AlertOptionsQuery, {});
  const countryNames = new Map(options.countries.map((c) => [c.code, c.name]));
  const manage = (query = "") => `${MANAGE}${query}`;
  return (
    <>
      <Breadcrumbs items={CRUMBS} />
      <h1>Your job alerts</h1>
      <Notice status={status} />
      <p className="meta">
        Alerts for <strong>{found.email}</strong>
      </p>
      {found.alerts.length === 0 && <p>You have no alerts. Add one below.</p>}
      {found.alerts.map((alert, index) => {
        const summary = alertSummary(alert, countryNames);
        const state = !alert.active ? "Waiting for confirmation" : alert.paused ? "Paused" : "On";
        return (
          <section key={alert.id} data-alert={alert.id} className="card alert-card" aria-labelledby={`alert-title-${alert.id}`}>
            <h2 id={`alert-title-${alert.id}`}>
              Alert {index + 1}
              <span className={`tag alert-state${alert.paused || !alert.active ? " tag-soon" : " tag-funded"}`}>{state}</span>
            </h2>
            <p className="alert-summary" data-summary>
              {summary}
            </p>
            {deleting === alert.id ? (
              <ConfirmPanel action="/api/alerts/delete/" id={alert.id} confirm="Yes, delete this alert" cancelHref={manage()}>
                <strong>Delete this alert?</strong> “{summary}” will be gone for good. To stop it for a while instead,
                pause it.
              </ConfirmPanel>
            ) : (
              <>
                {/* The editor (every discipline and country as a checkbox) only for the alert being
                    changed: a page with three of them was three times the DOM to hydrate. */}
                {editing === alert.id ? (
                  <div className="alert-edit">
                    <AlertForm options={options} alert={alert} />
                    <a href={manage()}>Cancel</a>
                  </div>
                ) : (
                  <a className="alert-edit-link" href={manage(`?edit=${encodeURIComponent(alert.id)}#alert-${alert.id}`)}>
                    Change this alert
                  </a>
                )}
                <div className="alert-actions">
                  <form method="post" action={alert.paused ? "/api/alerts/resume/" : "/api/alerts/pause/"}>
                    <Hidden id={alert.id} />
                    <button type="submit" className="button-secondary">
                      {alert.paused ? "Resume this alert" : "Pause this alert"}
                    </button>
                  </form>
                  <a className="button button-secondary button-delete" href={manage(`?delete=${encodeURIComponent(alert.id)}#alert-title-${alert.id}`)}>
                    Delete…
                  </a>
                </div>
              </>
            )}
          </section>
        );
      })}
      <section className="card alert-card" aria-labelledby="add-alert">
        <h2 id="add-alert">Add an alert</h2>
        <AlertForm options={options} />
      </section>
      <section aria-labelledby="stop-all">
        <h2 id="stop-all">Stop all emails</h2>
        {unsubscribe === "1" ? (
          <ConfirmPanel action="/api/alerts/unsubscribe/" confirm="Unsubscribe from all job alerts" cancelHref={MANAGE}>
            <strong>Stop every job alert email to {found.email}?</strong> To stop just one alert, pause or delete it
            instead.
          </ConfirmPanel>
        ) : (
          <p>
            <a href={manage("?unsubscribe=1#stop-all")}>Unsubscribe from all job alerts</a>. See{" "}
            <a href="/privacy/#delete">what we keep and how to delete it</a>.
          </p>
        )}
      </section>
      <YourData erasing={erase === "1"} />
    </>
  );
}
