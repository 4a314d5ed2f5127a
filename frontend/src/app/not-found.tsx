
export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        This page does not exist, or the position has closed. <a href="/jobs/">Search open jobs</a>.
      </p>
    </>
  );
}
