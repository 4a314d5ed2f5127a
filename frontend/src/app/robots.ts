import type { MetadataRoute } from "next";
import { absolute } from "@/lib/site";

export const dynamic = "force-dynamic"; // the site address comes from the environment at run time

export default function robots(): MetadataRoute.Robots {
  return {
    // The manage page's address holds no token (middleware.ts trades it for a cookie): crawlers
    // may read its public state. The other alert pages carry one in their path.
    rules: { userAgent: "*", allow: ["/", "/alerts/manage/$"], disallow: ["/alerts/", "/preview/", "/api/"] },
    sitemap: absolute("/sitemap.xml"),
  };
}
