import { AlertForm } from "@/components/AlertForm";
import { Breadcrumbs } from "@/components/Breadcrumbs";
import { Notice } from "@/components/Notice";
import { SubscribeForm } from "@/components/SubscribeForm";
import { alertSummary } from "@/lib/alerts";
import { CmsError, cms } from "@/lib/cms";
import { noIndex } from "@/lib/metadata";
import { AlertOptionsQuery, SubscriptionQuery } from "@/lib/queries";
import { type Params, emptyFilters } from "@/lib/search";

export const metadata = { title: "Your job alerts", ...noIndex };
export const dynamic = "force-dynamic";

async function subscriber(token: string) {
  try {
    return (await cms(SubscriptionQuery, { token }, "private")).subscription;
  } catch (error) {
    if (error instanceof CmsError) return null; // an expired or forged token
    throw error;
  }
}

function Hidden({ token, id }: { token: string; id: string }) {
  return (
    <>
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="id" value={id} />
    </>
  );
}

const CRUMBS = [{ text: "Your job alerts" }];

/** Download everything we hold about the address, or erase it (after a second step). */
function YourData({ token, erasing }: { token: string; erasing: boolean }) {
  const here = `/alerts/manage/?token=${encodeURIComponent(token)}`;
  return (
    <section aria-labelledby="your-data">
      <h2 id="your-data">Your data</h2>
      <p>
        Download everything we hold about your address (your alerts, your consent, what we sent you), or erase it all.
        See <a href="/privacy/#delete">what we keep and why</a>.
      </p>
      {erasing ? (
        <div className="panel danger-zone" role="alert">
          <p>
            <strong>Erase your address and all your alerts?</strong> Nothing can be restored, and this link stops working.
          </p>
          <div className="alert-actions">
            <form method="post" action="/api/alerts/erase/">
              <input type="hidden" name="token" value={token} />
              <button type="submit" className="button-danger">
                Yes, erase everything
              </button>
            </form>
            <a className="button button-secondary" href={here}>
              Cancel
            </a>
          </div>
        </div>
      ) : (
        <div className="alert-actions">
          <form method="post" action="/api/alerts/data/">
            <input type="hidden" name="token" value={token} />
            <button type="submit" className="button-secondary">
              Download my data (JSON)
            </button>
          </form>
          <a className="button button-secondary button-delete" href={`${here}&erase=1#your-data`}>
            Erase everything…
          </a>
        </div>
      )}
    </section>
  );
}

export default async function ManagePage({ searchParams }: { searchParams: Promise<Params> }) {
  const { token, status, delete: deleting, edit: editing, erase } = await searchParams;
  const found = typeof token === "string" && token ? await subscriber(token) : null;
  if (!found || typeof token !== "string") {
    return (
      <>
        <Breadcrumbs items={CRUMBS} />
        <h1>Your job alerts</h1>
        <Notice status="invalid" />
        <p>Use the link in your latest job alert email.</p>
      </>
    );
  }
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
        <YourData token={token} erasing={erase === "1"} />
      </>
    );
  }
  const options = await cms(AlertOptionsQuery, {});
  const countryNames = new Map(options.countries.map((c) => [c.code, c.name]));
  const manage = (extra = "") => `/alerts/manage/?token=${encodeURIComponent(token)}${extra}`;
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
              <div className="panel danger-zone" role="alert">
                <p>
                  <strong>Delete this alert?</strong> “{summary}” will be gone for good. To stop it for a while
                  instead, pause it.
                </p>
                <div className="alert-actions">
                  <form method="post" action="/api/alerts/delete/">
                    <Hidden token={token} id={alert.id} />
                    <button type="submit" className="button-danger">
                      Yes, delete this alert
                    </button>
                  </form>
                  <a className="button button-secondary" href={manage()}>
                    Cancel
                  </a>
                </div>
              </div>
            ) : (
              <>
                {/* The editor (every discipline and country as a checkbox) only for the alert being
                    changed: a page with three of them was three times the DOM to hydrate. */}
                {editing === alert.id ? (
                  <div className="alert-edit">
                    <AlertForm token={token} options={options} alert={alert} />
                    <a href={manage()}>Cancel</a>
                  </div>
                ) : (
                  <a className="alert-edit-link" href={manage(`&edit=${encodeURIComponent(alert.id)}#alert-${alert.id}`)}>
                    Change this alert
                  </a>
                )}
                <div className="alert-actions">
                  <form method="post" action={alert.paused ? "/api/alerts/resume/" : "/api/alerts/pause/"}>
                    <Hidden token={token} id={alert.id} />
                    <button type="submit" className="button-secondary">
                      {alert.paused ? "Resume this alert" : "Pause this alert"}
                    </button>
                  </form>
                  <a className="button button-secondary button-delete" href={manage(`&delete=${encodeURIComponent(alert.id)}#alert-title-${alert.id}`)}>
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
        <AlertForm token={token} options={options} />
      </section>
      <section aria-labelledby="stop-all">
        <h2 id="stop-all">Stop all emails</h2>
        <p>
          <a href={`/alerts/unsubscribe/${encodeURIComponent(token)}/`}>Unsubscribe from all job alerts</a>. See{" "}
          <a href="/privacy/#delete">what we keep and how to delete it</a>.
        </p>
      </section>
      <YourData token={token} erasing={erase === "1"} />
    </>
  );
}
