import { createHmac, timingSafeEqual } from "node:crypto";

// Standard Webhooks (standardwebhooks.com): the CMS signs `${id}.${timestamp}.${body}` with
// HMAC-SHA256, keyed by the base64 part of WEBHOOK_SECRET after "whsec_".
export const TOLERANCE_SECONDS = 5 * 60;

export type WebhookHeaders = { id: string | null; timestamp: string | null; signature: string | null };

export function verifyWebhook(secret: string, headers: WebhookHeaders, body: string, now = Date.now()): boolean {
  const { id, timestamp, signature } = headers;
  if (!secret || !id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return signature.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

// Ids of the webhooks accepted within the tolerance window, with when each may be forgotten: a
// captured webhook sent again inside the window carries a valid signature, and is refused by
// its id instead. Past the window its timestamp refuses it. (One process: several frontend
// instances each keep their own, which still stops a replay to the same instance.)
const seen = new Map<string, number>();

/** True the first time `id` is claimed within the window; false for a replay. */
export function claimWebhookId(id: string, now = Date.now()): boolean {
  for (const [known, forgetAt] of seen) {
    if (forgetAt > now) break; // insertion order is expiry order
    seen.delete(known);
  }
  if (seen.has(id)) return false;
  seen.set(id, now + 2 * TOLERANCE_SECONDS * 1000); // timestamps may be early or late by the tolerance
  return true;
}
