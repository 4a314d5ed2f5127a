// The one check of every request's address, run by the middleware before any page or route
// sees it: what passes here can be handed to the CMS without the CMS refusing it (a refusal
// would surface as a 500), and what does not is a 400 page. Pages then only normalise.

// The CMS's own limits (content/search.py MAX_SEARCH_LENGTH, cms/graphql/jobs/filters.py
// MAX_FILTER_VALUES, GraphQL's Int): a value past them is not a search anyone can run.
export const MAX_VALUE_LENGTH = 200;
export const MAX_FILTER_VALUES = 50;
export const MAX_PAGE = 2 ** 31 - 1;
const MAX_QUERY_LENGTH = 8 * 1024;

// C0 and C1 controls, and the two non-characters XML and PostgreSQL text refuse; U+FFFD (what
// malformed percent-encoding decodes to) is an ordinary character.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;

/** Why this address is a bad request, or null when it is fine. */
export function badRequest(url: URL): string | null {
  if (url.search.length > MAX_QUERY_LENGTH) return "The address is too long.";
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return "The address is not valid.";
  }
  if (CONTROL.test(path)) return "The address contains control characters.";
  const counts = new Map<string, number>();
  for (const [key, value] of url.searchParams) {
    if (CONTROL.test(key) || CONTROL.test(value)) return `“${printable(key)}” contains control characters.`;
    if (key.length > MAX_VALUE_LENGTH || value.length > MAX_VALUE_LENGTH)
      return `“${printable(key)}” is longer than ${MAX_VALUE_LENGTH} characters.`;
    const values = (counts.get(key) ?? 0) + value.split(",").length;
    if (values > MAX_FILTER_VALUES) return `“${printable(key)}” takes at most ${MAX_FILTER_VALUES} values.`;
    counts.set(key, values);
  }
  const page = url.searchParams.get("page");
  if (page !== null && page.trim() !== "" && !(/^\s*\d+\s*$/.test(page) && Number(page) <= MAX_PAGE))
    return `“page” must be a whole number up to ${MAX_PAGE}.`;
  return null;
}

function printable(text: string): string {
  return text.replace(new RegExp(CONTROL.source, "g"), "?").slice(0, 40);
}

/** A token from a path segment: Next may hand it over still percent-encoded, or not. */
export function pathToken(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // already decoded, and holds a literal "%"
  }
}
