import Link from "next/link";

export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        This page does not exist, or the position has closed. <Link href="/jobs/">Search open jobs</Link>.
      </p>
    </>
  );
}
