import type { MetadataRoute } from "next";
import { absolute } from "@/lib/site";

export const dynamic = "force-dynamic"; // the site address comes from the environment at run time

export default function robots(): MetadataRoute.Robots {
  return {
    rules: { userAgent: "*", allow: "/", disallow: ["/alerts/", "/preview/", "/api/"] },
    sitemap: absolute("/sitemap.xml"),
  };
}
