import { choices } from "@/lib/labels";
import type { JobFilters } from "@/lib/search";

// "Email me jobs like these": a plain form, prefilled with the search's filters, that says
// what will be stored and sent before anyone presses the button.
export function SubscribeForm({ filters, title = "Email me jobs like these" }: { filters: JobFilters; title?: string }) {
  const hidden: [string, string][] = [
    ...filters.disciplines.map((v): [string, string] => ["disciplines", v]),
    ...filters.roles.map((v): [string, string] => ["roles", v]),
    ...filters.countries.map((v): [string, string] => ["countries", v]),
    ...(filters.search ? [["keywords", filters.search] as [string, string]] : []),
    ...(filters.remote ? [["remote", filters.remote] as [string, string]] : []),
  ];
  return (
    <form method="post" action="/api/alerts/subscribe/" className="subscribe" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">{title}</h2>
      {hidden.map(([name, value]) => (
        <input key={`${name}=${value}`} type="hidden" name={name} value={value} />
      ))}
      <div className="row">
        <div className="field">
          <label htmlFor="subscribe-email">Email address</label>
          <input id="subscribe-email" type="email" name="email" required autoComplete="email" aria-describedby="subscribe-consent" />
        </div>
        <div className="field">
          <label htmlFor="subscribe-frequency">How often</label>
          <select id="subscribe-frequency" name="frequency" defaultValue="DAILY">
            {choices("frequency").map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Create alert</button>
      </div>
      <p className="consent" id="subscribe-consent">
        We store your address and this search only to email you matching jobs. Nothing is sent until you press the
        button in the confirmation email; every alert has a link to change or stop it.{" "}
        <a href="/privacy/#alerts">Privacy: what we store and how to delete it</a>.
      </p>
    </form>
  );
}
