import { notFound } from "next/navigation";
import { DefinitionView } from "@/components/DefinitionView";
import { GuideView } from "@/components/GuideView";
import { JobView } from "@/components/JobView";
import { CmsError, cms } from "@/lib/cms";
import { noIndex } from "@/lib/metadata";
import { DefinitionDraftQuery, GuideDraftQuery, JobDraftQuery } from "@/lib/queries";
import type { Params } from "@/lib/search";

export const metadata = { title: "Preview", ...noIndex };
export const dynamic = "force-dynamic"; // drafts are never cached

// Wagtail's Preview opens /preview/?content_type=content.guidepage&token=... (wagtail-headless-preview).
async function draft(contentType: string, token: string) {
  switch (contentType) {
    case "content.jobpostingpage": {
      const { job } = await cms(JobDraftQuery, { token }, "private");
      return job && <JobView job={job} />;
    }
    case "content.guidepage": {
      const { guide } = await cms(GuideDraftQuery, { token }, "private");
      return guide && <GuideView guide={guide} />;
    }
    case "content.definitionpage": {
      const { definition } = await cms(DefinitionDraftQuery, { token }, "private");
      return definition && <DefinitionView definition={definition} />;
    }
    default:
      return null;
  }
}

export default async function Preview({ searchParams }: { searchParams: Promise<Params> }) {
  const { content_type: contentType, token } = await searchParams;
  if (typeof contentType !== "string" || typeof token !== "string") notFound();
  const page = await draft(contentType, token).catch((error: unknown) => {
    if (error instanceof CmsError) return null; // an expired or forged token
    throw error;
  });
  if (!page) notFound();
  return (
    <>
      <p className="notice" role="status">
        Preview of an unpublished draft
      </p>
      {page}
    </>
  );
}
