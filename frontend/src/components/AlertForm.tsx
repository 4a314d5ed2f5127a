import type { AlertFieldsFragment, AlertOptionsQuery } from "@/gql/graphql";
import { choices } from "@/lib/labels";
import { ChoiceFilter } from "./ChoiceFilter";

type Options = AlertOptionsQuery;
type Props = { options: Options; alert?: AlertFieldsFragment };
type Discipline = Options["disciplines"][number];

function Check({ name, value, text, checked }: { name: string; value: string; text: string; checked: boolean }) {
  return (
    <label className="check">
      <input type="checkbox" name={name} value={value} defaultChecked={checked} /> {text}
    </label>
  );
}

/** Disciplines as a tree: a broad field, then the narrower ones inside it. */
function DisciplineTree({ all, parent, chosen }: { all: Discipline[]; parent: string | null; chosen: string[] }) {
  const level = all.filter((d) => (d.parent?.slug ?? null) === parent);
  if (!level.length) return null;
  return (
    <ul className={parent ? "tree-children" : "choices tree"}>
      {level.map((d) => (
        <li key={d.slug} data-name={d.name.toLowerCase()}>
          <Check name="disciplines" value={d.slug} text={d.name} checked={chosen.includes(d.slug)} />
          <DisciplineTree all={all} parent={d.slug} chosen={chosen} />
        </li>
      ))}
    </ul>
  );
}

function Chosen({ count }: { count: number }) {
  return <span className="meta small"> {count ? `(${count} chosen)` : "(any)"}</span>;
}

// One alert's editor (or, without an alert, the form that adds one). Plain HTML checkboxes
// (no Ctrl-click list boxes), posts to the alert route handler (the token is in the cookie).
export function AlertForm({ options, alert }: Props) {
  const roles = alert?.roles.map((r) => r.slug) ?? [];
  const disciplines = alert?.disciplines.map((d) => d.slug) ?? [];
  const countries = alert?.countries ?? [];
  const id = alert ? `alert-${alert.id}` : "new-alert";
  return (
    <form method="post" action={`/api/alerts/${alert ? "update" : "add"}/`} className="alert-form" id={id}>
      {alert && <input type="hidden" name="id" value={alert.id} />}
      <fieldset>
        <legend>
          Roles
          <Chosen count={roles.length} />
        </legend>
        <div className="choices">
          {options.roles.map((r) => (
            <Check key={r.slug} name="roles" value={r.slug} text={r.name} checked={roles.includes(r.slug)} />
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>
          Disciplines
          <Chosen count={disciplines.length} />
        </legend>
        <p className="field-hint">A broad field includes every discipline inside it.</p>
        <ChoiceFilter label="Find a discipline">
          <DisciplineTree all={options.disciplines} parent={null} chosen={disciplines} />
        </ChoiceFilter>
      </fieldset>
      <fieldset>
        <legend>
          Countries
          <Chosen count={countries.length} />
        </legend>
        <ChoiceFilter label="Find a country">
          <ul className="choices">
            {options.countries.map((c) => (
              <li key={c.code} data-name={c.name.toLowerCase()}>
                <Check name="countries" value={c.code} text={c.name} checked={countries.includes(c.code)} />
              </li>
            ))}
          </ul>
        </ChoiceFilter>
      </fieldset>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-keywords`}>Keywords</label>
          <span className="field-hint">Separate with commas; every word must match.</span>
          <input id={`${id}-keywords`} name="keywords" defaultValue={alert?.keywords.join(", ") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-remote`}>Work</label>
          <select id={`${id}-remote`} name="remote" defaultValue={alert?.remote ?? ""}>
            <option value="">Any</option>
            {choices("remotePolicy").map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-frequency`}>How often</label>
          <select id={`${id}-frequency`} name="frequency" defaultValue={alert?.frequency ?? "DAILY"}>
            {choices("frequency").map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button type="submit">{alert ? "Save alert" : "Add alert"}</button>
    </form>
  );
}
