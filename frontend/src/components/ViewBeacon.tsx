import { headers } from "next/headers";

// Tells the CMS one person viewed this job (through this site's /api/beacon/, so no third
// party is contacted): a count per job and day, no cookie, nothing about the visitor kept.
// A few bytes of inline script (with the request's CSP nonce, see middleware.ts), sent once
// the page has loaded: no client component, so nothing to download or hydrate for it.
export async function ViewBeacon({ id }: { id: string }) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  // JSON, with "<" escaped: nothing in it can close the script element.
  const url = JSON.stringify(`/api/beacon/view/${encodeURIComponent(id)}/`).replace(/</g, "\\u003c");
  const send = `navigator.sendBeacon&&navigator.sendBeacon(u)||fetch(u,{method:"POST",keepalive:true,credentials:"omit"}).catch(function(){})`;
  const script = `addEventListener("load",function(){var u=${url};${send}})`;
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script }} />;
}
