import Link from "next/link";
import { AlertForm } from "@/components/AlertForm";
import { Breadcrumbs } from "@/components/Breadcrumbs";
import { Notice } from "@/components/Notice";
import { CmsError, cms } from "@/lib/cms";
import { noIndex } from "@/lib/metadata";
import { AlertOptionsQuery, SubscriptionQuery } from "@/lib/queries";
import type { Params } from "@/lib/search";

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

export default async function ManagePage({ searchParams }: { searchParams: Promise<Params> }) {
  const { token, status } = await searchParams;
  const found = typeof token === "string" && token ? await subscriber(token) : null;
  if (!found || typeof token !== "string") {
    return (
      <>
        <Breadcrumbs items={[{ text: "Your job alerts" }]} />
        <h1>Your job alerts</h1>
        <Notice status="invalid" />
        <p>Use the link in your latest job alert email.</p>
      </>
    );
  }
  const options = await cms(AlertOptionsQuery, {});
  return (
    <>
      <Breadcrumbs items={[{ text: "Your job alerts" }]} />
      <h1>Your job alerts</h1>
      <Notice status={status} />
      <p className="meta">
        Alerts for <strong>{found.email}</strong> ({found.status})
      </p>
      {found.alerts.map((alert, index) => (
        <section key={alert.id} data-alert={alert.id}>
          <h2>
            Alert {index + 1} {!alert.active && <span className="meta">(not active)</span>}
            {alert.paused && <span className="meta">(paused)</span>}
          </h2>
          <AlertForm token={token} options={options} alert={alert} />
          <form method="post" action={alert.paused ? "/api/alerts/resume/" : "/api/alerts/pause/"}>
            <input type="hidden" name="token" value={token} />
            <input type="hidden" name="id" value={alert.id} />
            <button type="submit">{alert.paused ? "Resume this alert" : "Pause this alert"}</button>
          </form>
          <form method="post" action="/api/alerts/delete/">
            <input type="hidden" name="token" value={token} />
            <input type="hidden" name="id" value={alert.id} />
            <button type="submit">Delete this alert</button>
          </form>
        </section>
      ))}
      <section>
        <h2>Add an alert</h2>
        <AlertForm token={token} options={options} />
      </section>
      <p>
        <Link href={`/alerts/unsubscribe/${encodeURIComponent(token)}/`}>Unsubscribe from all alerts</Link>
      </p>
    </>
  );
}
