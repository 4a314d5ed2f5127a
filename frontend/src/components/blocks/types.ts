import type { BodyBlockFragment } from "@/gql/graphql";

/** Any StreamField block a guide or a glossary term's body may hold. */
export type Block = BodyBlockFragment;
/** The block of one GraphQL type. */
export type BlockOf<Name extends Block["__typename"]> = Extract<Block, { __typename: Name }>;
