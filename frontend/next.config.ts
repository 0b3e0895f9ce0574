import type { NextConfig } from "next";

// A static export: `next build` writes plain files to out/, which Flask serves (app/web).
const nextConfig: NextConfig = {
  output: "export",
  reactStrictMode: true,
  poweredByHeader: false,
  productionBrowserSourceMaps: false,
  images: { unoptimized: true },
  // /signin -> out/signin.html; app/web serves both <page>.html and <page>/index.html.
  trailingSlash: false,
};

export default nextConfig;
