import { RichText } from "../RichText";
import type { BlockOf } from "./types";

export function Paragraph({ block }: { block: BlockOf<"RichTextBlock"> }) {
  return <RichText html={block.value} />;
}
