import { StaticPage } from "@/components/StaticPage";
import { pageMetadata } from "@/lib/metadata";
import { CONTACT_EMAIL } from "@/lib/site";

export const metadata = pageMetadata("Accessibility", "How this site aims to work for everyone.", "/accessibility/");

export default function Accessibility() {
  return (
    <StaticPage title="Accessibility" lead="This site aims to meet WCAG 2.2 at level AA.">
      <h2>What we do</h2>
      <ul>
        <li>Every page works with a keyboard alone, with a visible focus ring, and without JavaScript.</li>
        <li>Text and controls meet AA colour contrast, in the light and the dark colour scheme.</li>
        <li>Pages reflow to a 320 px wide screen and to 400 % zoom without sideways scrolling.</li>
        <li>Searches and filters are ordinary links and forms, so screen readers announce them as such.</li>
        <li>Every page type is checked with axe-core in our automated browser tests.</li>
      </ul>
      <h2>Known gaps</h2>
      <p>Images in guides rely on the alternative text their editors wrote.</p>
      <h2>Tell us</h2>
      <p>If something does not work for you, write to <a href={`mailto:${CONTACT_EMAIL}`}>{CONTACT_EMAIL}</a> and we will fix it.</p>
    </StaticPage>
  );
}
