import { Breadcrumbs } from "@/components/Breadcrumbs";
import { Notice } from "@/components/Notice";
import { noIndex } from "@/lib/metadata";
import type { Params } from "@/lib/search";

export const metadata = { title: "Job alert", ...noIndex };

export default async function SubscribedPage({ searchParams }: { searchParams: Promise<Params> }) {
  const { status } = await searchParams;
  return (
    <>
      <Breadcrumbs items={[{ text: "Job alert" }]} />
      <h1>Job alert</h1>
      <Notice status={status ?? "subscribed"} />
      <p>
        <a href="/jobs/">Back to the jobs</a>
      </p>
    </>
  );
}
