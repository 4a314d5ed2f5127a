import { BulletList } from "./blocks/BulletList";
import { CaptionedImage } from "./blocks/CaptionedImage";
import { DefinitionList } from "./blocks/DefinitionList";
import { JobSearch } from "./blocks/JobSearch";
import { Paragraph } from "./blocks/Paragraph";
import { Quote } from "./blocks/Quote";
import { SectionHeading } from "./blocks/SectionHeading";
import { Statistic } from "./blocks/Statistic";
import type { Block } from "./blocks/types";

function render(block: Block) {
  switch (block.__typename) {
    case "SectionHeadingBlock":
      return <SectionHeading block={block} />;
    case "RichTextBlock":
      return <Paragraph block={block} />;
    case "BulletListBlock":
      return <BulletList block={block} />;
    case "DefinitionListBlock":
      return <DefinitionList block={block} />;
    case "StatisticBlock":
      return <Statistic block={block} />;
    case "QuoteBlock":
      return <Quote block={block} />;
    case "CaptionedImageBlock":
      return <CaptionedImage block={block} />;
    case "JobSearchBlock":
      return <JobSearch block={block} />;
    default:
      return null; // a block type this frontend does not know yet
  }
}

export function StreamField({ blocks }: { blocks: (Block | null)[] | null | undefined }) {
  return (
    <div className="stream-field">
      {blocks?.map((block, index) =>
        block ? (
          <div key={block.id ?? index} data-block={block.__typename}>
            {render(block)}
          </div>
        ) : null,
      )}
    </div>
  );
}
