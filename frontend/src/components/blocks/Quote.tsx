import type { BlockOf } from "./types";

export function Quote({ block }: { block: BlockOf<"QuoteBlock"> }) {
  return (
    <figure className="quote">
      <blockquote>{block.quote}</blockquote>
      {block.attribution && <figcaption>— {block.attribution}</figcaption>}
    </figure>
  );
}
