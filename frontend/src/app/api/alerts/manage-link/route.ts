import type { NextRequest } from "next/server";
import { tradeLinkToken } from "@/lib/subscriberToken";

// An email's manage link, /alerts/manage/?token=…, handed here by middleware.ts.
export function GET(request: NextRequest) {
  return tradeLinkToken(request.nextUrl);
}
