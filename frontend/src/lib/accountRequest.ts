// The "Post a job" form: its fields, as the CMS's InstitutionAccountRequestInput names them,
// and what the server action answers the form with.
export const REQUEST_FIELDS = [
  "institutionName",
  "websiteUrl",
  "contactName",
  "contactEmail",
  "position",
  "country",
  "message",
] as const;
export type TextField = (typeof REQUEST_FIELDS)[number];
export type RequestField = TextField | "consent";

export type RequestState = {
  ok: boolean;
  message?: string;
  // The first message per field; "form" for what concerns no one field.
  errors: Partial<Record<RequestField | "form", string>>;
  // What was sent, shown again when something needs correcting: nothing typed is lost.
  values: Partial<Record<RequestField, string>>;
};

export type CountryOption = { code: string; name: string };

export const EMPTY_REQUEST: RequestState = { ok: false, errors: {}, values: {} };
