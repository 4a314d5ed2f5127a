import type { CodegenConfig } from "@graphql-codegen/cli";

// Types every query from the committed contract; an invalid query fails `npm run codegen`
// (and so the build, the type check and CI).
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      config: { documentMode: "string", enumsAsTypes: true, useTypeImports: true },
      presetConfig: {
        fragmentMasking: false,
        // src/gql/persisted-documents.json: every document by its SHA-256, published to the CMS
        // at deploy (`manage.py publish_trusted_documents`) so requests can name them by hash.
        persistedDocuments: { hashAlgorithm: "sha256" },
      },
    },
  },
};

export default config;
