import type { AlertFieldsFragment, AlertOptionsQuery } from "@/gql/graphql";

type Props = { token: string; options: AlertOptionsQuery; alert?: AlertFieldsFragment };

// One alert's editor (or, without an alert, the form that adds one). Plain HTML, posts to
// the alert route handler.
export function AlertForm({ token, options, alert }: Props) {
  const chosen = (values: { slug: string }[] | undefined) => values?.map((v) => v.slug) ?? [];
  const id = alert ? `alert-${alert.id}` : "new-alert";
  return (
    <form method="post" action={`/api/alerts/${alert ? "update" : "add"}/`} className="alert-form" id={id}>
      <input type="hidden" name="token" value={token} />
      {alert && <input type="hidden" name="id" value={alert.id} />}
      <label>
        Roles
        <select name="roles" multiple defaultValue={chosen(alert?.roles)} size={5}>
          {options.roles.map((r) => (
            <option key={r.slug} value={r.slug}>{r.name}</option>
          ))}
        </select>
      </label>
      <label>
        Disciplines
        <select name="disciplines" multiple defaultValue={chosen(alert?.disciplines)} size={5}>
          {options.disciplines.map((d) => (
            <option key={d.slug} value={d.slug}>{d.name}</option>
          ))}
        </select>
      </label>
      <label>
        Countries
        <select name="countries" multiple defaultValue={alert?.countries ?? []} size={5}>
          {options.countries.map((c) => (
            <option key={c.code} value={c.code}>{c.name}</option>
          ))}
        </select>
      </label>
      <label>
        Keywords <input name="keywords" defaultValue={alert?.keywords.join(", ") ?? ""} />
      </label>
      <label>
        Work
        <select name="remote" defaultValue={alert?.remote ?? ""}>
          <option value="">Any</option>
          <option value="ON_SITE">On site</option>
          <option value="HYBRID">Hybrid</option>
          <option value="REMOTE">Remote</option>
        </select>
      </label>
      <label>
        How often
        <select name="frequency" defaultValue={alert?.frequency ?? "DAILY"}>
          <option value="INSTANT">As soon as jobs are posted</option>
          <option value="DAILY">Daily</option>
          <option value="WEEKLY">Weekly</option>
        </select>
      </label>
      <button type="submit">{alert ? "Save alert" : "Add alert"}</button>
    </form>
  );
}
