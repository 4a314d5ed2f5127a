"use client";

import { useEffect } from "react";

// Tells the CMS one person viewed this job (through this site's /api/beacon/, so no third
// party is contacted): a count per job and day, no cookie, nothing about the visitor kept.
export function ViewBeacon({ id }: { id: string }) {
  useEffect(() => {
    const url = `/api/beacon/view/${encodeURIComponent(id)}/`;
    if (!navigator.sendBeacon?.(url)) {
      fetch(url, { method: "POST", keepalive: true, credentials: "omit" }).catch(() => undefined);
    }
  }, [id]);
  return null;
}
