import { Breadcrumbs } from "@/components/Breadcrumbs";
import { Notice } from "@/components/Notice";
import { noIndex } from "@/lib/metadata";
import { pathToken } from "@/lib/query";
import type { Params } from "@/lib/search";

export const metadata = { title: "Confirm your job alert", ...noIndex };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ token: string }>; searchParams: Promise<Params> };

// Opening the link changes nothing (mail scanners open every link); the button POSTs.
export default async function ConfirmPage({ params, searchParams }: Props) {
  const { token } = await params;
  const { status } = await searchParams;
  return (
    <>
      <Breadcrumbs items={[{ text: "Confirm your alert" }]} />
      <h1>Confirm your job alert</h1>
      <Notice status={status} />
      <p>Press the button to start your job alert. Until you do, we send nothing.</p>
      <form method="post" action={`/api/alerts/confirm/`}>
        <input type="hidden" name="token" value={pathToken(token)} />
        <button type="submit">Yes, send me job alerts</button>
      </form>
    </>
  );
}
