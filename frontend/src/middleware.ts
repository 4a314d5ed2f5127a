import { NextResponse, type NextRequest } from "next/server";

// A mail client's RFC 8058 one-click unsubscribe POSTs to the email's unsubscribe link, the
// page's own address: hand it to the route handler.
export function middleware(request: NextRequest) {
  const match = /^\/alerts\/unsubscribe\/([^/]+)\/?$/.exec(request.nextUrl.pathname);
  if (request.method !== "POST" || !match) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/api/alerts/unsubscribe/";
  url.searchParams.set("token", decodeURIComponent(match[1]));
  return NextResponse.rewrite(url);
}

export const config = { matcher: ["/alerts/unsubscribe/:token*"] };
