import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The CMS's page URLs and the digests' links end in a slash: /jobs/<slug>/.
  trailingSlash: true,
  poweredByHeader: false,
  // The pages carry no client-side images from elsewhere; CMS images are plain <img>.
  images: { unoptimized: true },
};

export default nextConfig;
