import { STATUS_TEXT } from "@/lib/alerts";

export function Notice({ status }: { status: string | string[] | undefined }) {
  const text = typeof status === "string" ? STATUS_TEXT[status] : undefined;
  return text ? (
    <p className="notice" role="status" data-status={status}>
      {text}
    </p>
  ) : null;
}
