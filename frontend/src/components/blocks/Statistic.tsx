import type { BlockOf } from "./types";

export function Statistic({ block }: { block: BlockOf<"StatisticBlock"> }) {
  return (
    <figure className="statistic">
      <p className="statistic-value">{block.value}</p>
      <figcaption>
        {block.label}
        {block.source && (
          <span className="statistic-source">
            {" "}
            Source: {block.sourceUrl ? <a href={block.sourceUrl}>{block.source}</a> : block.source}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
