import { Notice } from "@/components/Notice";
import { noIndex } from "@/lib/metadata";
import { pathToken } from "@/lib/query";
import type { Params } from "@/lib/search";

export const metadata = { title: "Unsubscribe", ...noIndex };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ token: string }>; searchParams: Promise<Params> };

export default async function UnsubscribePage({ params, searchParams }: Props) {
  const { token } = await params;
  const { status } = await searchParams;
  return (
    <>
      <h1>Unsubscribe from job alerts</h1>
      <Notice status={status} />
      {status !== "unsubscribed" && (
        <form method="post" action="/api/alerts/unsubscribe/">
          <input type="hidden" name="token" value={pathToken(token)} />
          <button type="submit">Unsubscribe from all job alerts</button>
        </form>
      )}
    </>
  );
}
