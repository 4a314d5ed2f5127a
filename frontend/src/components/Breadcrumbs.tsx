
export type Crumb = { href?: string; text: string };

// Every page below the home says where it is: Home › Jobs › This job. The last crumb is the
// page itself (no link).
export function Breadcrumbs({ items }: { items: Crumb[] }) {
  const trail: Crumb[] = [{ href: "/", text: "Home" }, ...items];
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        {trail.map((crumb, index) => {
          const last = index === trail.length - 1;
          return (
            <li key={`${index}-${crumb.text}`}>
              {crumb.href && !last ? (
                <a href={crumb.href}>{crumb.text}</a>
              ) : (
                <span aria-current={last ? "page" : undefined}>{crumb.text}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
