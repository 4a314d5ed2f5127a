/* eslint-disable @next/next/no-img-element -- CMS media, served by the CMS at its own size */
import { mediaUrl } from "@/lib/cms";
import type { BlockOf } from "./types";

export function CaptionedImage({ block }: { block: BlockOf<"CaptionedImageBlock"> }) {
  return (
    <figure className="image">
      <img
        src={mediaUrl(block.image.url)}
        alt={block.altText}
        width={block.image.width}
        height={block.image.height}
        loading="lazy"
      />
      {block.caption && <figcaption>{block.caption}</figcaption>}
    </figure>
  );
}
