import type { BlockOf } from "./types";

export function BulletList({ block }: { block: BlockOf<"BulletListBlock"> }) {
  return (
    <section className="bullet-list">
      {block.heading && <h3>{block.heading}</h3>}
      <ul>
        {block.items?.map((item, index) =>
          item?.__typename === "LabelledItemBlock" ? (
            <li key={index}>
              {item.label && <strong>{item.label}: </strong>}
              <span dangerouslySetInnerHTML={{ __html: item.text }} />
            </li>
          ) : null,
        )}
      </ul>
    </section>
  );
}
