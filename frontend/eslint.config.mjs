import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { FlatCompat } from "@eslint/eslintrc";

const compat = new FlatCompat({ baseDirectory: dirname(fileURLToPath(import.meta.url)) });

const config = [
  { ignores: ["node_modules/**", ".next/**", "src/gql/**", "next-env.d.ts"] },
  ...compat.extends("next/core-web-vitals", "next/typescript"),
  {
    // Links are plain <a>: every page is server-rendered, and next/link would make each link a
    // client component that hydrates and prefetches its target (docs/frontend-design.md).
    rules: { "@next/next/no-html-link-for-pages": "off" },
  },
];

export default config;
