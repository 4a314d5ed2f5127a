import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The CMS's page URLs and the digests' links end in a slash: /jobs/<slug>/.
  trailingSlash: true,
  poweredByHeader: false,
  // Metadata (title, description, canonical, Open Graph) in the <head> of the first response
  // for every client, not streamed into the body for those Next does not take for bots.
  htmlLimitedBots: /.*/,
  // The pages carry no client-side images from elsewhere; CMS images are plain <img>.
  images: { unoptimized: true },
};

export default nextConfig;
