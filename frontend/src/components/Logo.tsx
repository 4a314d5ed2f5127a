import { SITE_NAME } from "@/lib/site";

// The mark (an arch over a keystone) and the wordmark. The same drawing is committed as
// public/logo.svg and src/app/icon.svg; here it is inline so that it takes the page's colours
// (currentColor) in dark mode too.
export function Logo() {
  const [first, ...rest] = SITE_NAME.split(" ");
  return (
    <span className="logo">
      <svg viewBox="0 0 40 40" width="32" height="32" aria-hidden="true" focusable="false" className="logo-mark">
        <rect width="40" height="40" rx="9" className="logo-tile" />
        <path d="M9 29 20 9l11 20h-5.2L20 18.2 14.2 29z" className="logo-arch" />
        <circle cx="20" cy="27" r="2.6" className="logo-key" />
      </svg>
      <span className="logo-word">
        {first}
        {rest.length > 0 && <span className="logo-word-accent"> {rest.join(" ")}</span>}
      </span>
    </span>
  );
}
