"use client";

import { useActionState } from "react";

import { requestAccount } from "@/app/post-a-job/actions";
import { type CountryOption, EMPTY_REQUEST, type RequestField } from "@/lib/accountRequest";

type Props = { name: RequestField; label: string; hint?: string; errors: Partial<Record<string, string>> };

function describedBy({ name, hint, errors }: Props): string | undefined {
  const ids = [hint ? `${name}-hint` : "", errors[name] ? `${name}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Label(props: Props) {
  const { name, label, hint, errors } = props;
  return (
    <>
      <label htmlFor={`request-${name}`}>
        {label}
        {hint && (
          <>
            {" "}
            <span className="field-hint" id={`${name}-hint`}>
              {hint}
            </span>
          </>
        )}
      </label>
      {errors[name] && (
        <p className="field-error" id={`${name}-error`}>
          {errors[name]}
        </p>
      )}
    </>
  );
}

// The institution account request: a plain form posting to a server action, so it works
// before (or without) JavaScript; errors come back per field with every value kept.
export function AccountRequestForm({ countries }: { countries: CountryOption[] }) {
  const [state, action, pending] = useActionState(requestAccount, EMPTY_REQUEST);
  if (state.ok) {
    return (
      <p className="notice" role="status" id="request-done">
        {state.message}
      </p>
    );
  }
  const { errors, values } = state;
  const input = (name: RequestField, label: string, type: string, autoComplete: string, hint?: string) => {
    const props = { name, label, hint, errors };
    return (
      <div className="field">
        <Label {...props} />
        <input
          id={`request-${name}`}
          name={name}
          type={type}
          required
          autoComplete={autoComplete}
          defaultValue={values[name] ?? ""}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={describedBy(props)}
        />
      </div>
    );
  };
  const count = Object.keys(errors).length;
  // A key per answer: React re-creates the fields with the values sent back, whatever it
  // did to the form while the action ran.
  return (
    <form action={action} className="account-request" aria-labelledby="request-title" key={JSON.stringify(values)}>
      <h2 id="request-title">Ask for an institution account</h2>
      {count > 0 && (
        <p className="notice" role="alert" data-status="rejected">
          {errors.form ?? `Please correct ${count === 1 ? "the field marked below" : `the ${count} fields marked below`}: nothing was sent yet.`}
        </p>
      )}
      <fieldset>
        <legend>Your institution</legend>
        {input("institutionName", "Institution", "text", "organization")}
        {input("websiteUrl", "Its website", "url", "url", "(https://…)")}
        <div className="field">
          <Label name="country" label="Its country" errors={errors} />
          <select
            id="request-country"
            name="country"
            autoComplete="country"
            defaultValue={values.country ?? ""}
            aria-invalid={errors.country ? true : undefined}
            aria-describedby={errors.country ? "country-error" : undefined}
          >
            <option value="">Choose a country</option>
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      <fieldset>
        <legend>You</legend>
        {input("contactName", "Your name", "text", "name")}
        {input("position", "Your role", "text", "organization-title", "(e.g. HR manager, lab head)")}
        {input("contactEmail", "Work email", "email", "email", "(at the institution's domain, if you can)")}
        <div className="field">
          <Label name="message" label="Anything we should know" hint="(optional)" errors={errors} />
          <textarea
            id="request-message"
            name="message"
            rows={4}
            maxLength={2000}
            defaultValue={values.message ?? ""}
            aria-invalid={errors.message ? true : undefined}
            aria-describedby={describedBy({ name: "message", label: "", hint: "(optional)", errors })}
          />
        </div>
      </fieldset>
      <div className="field field-check">
        {errors.consent && (
          <p className="field-error" id="consent-error">
            {errors.consent}
          </p>
        )}
        <label htmlFor="request-consent">
          <input
            id="request-consent"
            type="checkbox"
            name="consent"
            value="yes"
            required
            defaultChecked={values.consent === "yes"}
            aria-invalid={errors.consent ? true : undefined}
            aria-describedby={errors.consent ? "consent-error" : undefined}
          />
          {/* One flex item: the label is a flex row (the box, then the text). */}
          <span>
            Keep these details to answer my request and set up the account (<a href="/privacy/">privacy</a>).
          </span>
        </label>
      </div>
      <button type="submit" disabled={pending}>
        {pending ? "Sending…" : "Send the request"}
      </button>
    </form>
  );
}
