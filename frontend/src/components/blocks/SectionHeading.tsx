import type { BlockOf } from "./types";

export function SectionHeading({ block }: { block: BlockOf<"SectionHeadingBlock"> }) {
  const Tag = block.level === "h3" ? "h3" : block.level === "h4" ? "h4" : "h2";
  return (
    <Tag id={block.anchor || undefined} className="section-heading">
      {block.icon && <span aria-hidden="true">{block.icon} </span>}
      {block.text}
    </Tag>
  );
}
