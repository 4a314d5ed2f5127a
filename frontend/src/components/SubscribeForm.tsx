import type { JobFilters } from "@/lib/search";

// "Email me jobs like these": a plain form, prefilled with the search's filters.
export function SubscribeForm({ filters }: { filters: JobFilters }) {
  const hidden: [string, string][] = [
    ...filters.disciplines.map((v): [string, string] => ["disciplines", v]),
    ...filters.roles.map((v): [string, string] => ["roles", v]),
    ...filters.countries.map((v): [string, string] => ["countries", v]),
    ...(filters.search ? [["keywords", filters.search] as [string, string]] : []),
    ...(filters.remote ? [["remote", filters.remote] as [string, string]] : []),
  ];
  return (
    <form method="post" action="/api/alerts/subscribe/" className="subscribe">
      <h2>Email me jobs like these</h2>
      {hidden.map(([name, value]) => (
        <input key={`${name}=${value}`} type="hidden" name={name} value={value} />
      ))}
      <label>
        Email address <input type="email" name="email" required autoComplete="email" />
      </label>
      <label>
        How often{" "}
        <select name="frequency" defaultValue="DAILY">
          <option value="INSTANT">As soon as jobs are posted</option>
          <option value="DAILY">Daily</option>
          <option value="WEEKLY">Weekly</option>
        </select>
      </label>
      <button type="submit">Create alert</button>
    </form>
  );
}
