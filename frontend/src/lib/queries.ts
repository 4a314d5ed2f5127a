import { graphql } from "@/gql";

// Every query the frontend sends, typed by codegen from ../schema.graphql. Only the
// contract's named root fields (design.md) and concrete types are used, never interfaces.

export const JobCardFields = graphql(`
  fragment JobCardFields on JobPostingPage {
    id title slug url city closingDate postedAt funded remotePolicy
    institution { name slug }
    country { code name }
    role { name slug }
    salary { min max currency period }
  }
`);

export const JobFields = graphql(`
  fragment JobFields on JobPostingPage {
    ...JobCardFields
    department searchDescription
    institution { name slug city websiteUrl kind jobCount logo { url } country { code name } }
    disciplines { name slug }
    employmentType contractType durationMonths fundingDetails startDate
    description requirements howToApply applicationUrl applicationEmail
    reference educationRequirement keywords jsonLd
  }
`);

export const GuideCardFields = graphql(`
  fragment GuideCardFields on GuidePage {
    id title slug url subtitle summary
  }
`);

// One selection for every StreamField body (guides and glossary terms share block types).
export const BodyBlock = graphql(`
  fragment BodyBlock on StreamFieldInterface {
    __typename id
    ... on SectionHeadingBlock { text icon anchor level }
    ... on RichTextBlock { value }
    ... on BulletListBlock { heading items { __typename ... on LabelledItemBlock { label text } } }
    ... on DefinitionListBlock { heading terms { id term abbreviation shortDefinition slug url } }
    ... on StatisticBlock { value label source sourceUrl }
    ... on QuoteBlock { quote attribution }
    ... on CaptionedImageBlock { altText caption image { url width height } }
    ... on JobSearchBlock {
      heading intro buttonLabel country countryName remoteOnly jobCount
      role { name slug }
      discipline { name slug }
      jobs(limit: 3) { ...JobCardFields }
    }
  }
`);

export const GuideFields = graphql(`
  fragment GuideFields on GuidePage {
    ...GuideCardFields
    lastReviewed jsonLd
    role { name slug }
    discipline { name slug }
    body { ...BodyBlock }
  }
`);

export const DefinitionFields = graphql(`
  fragment DefinitionFields on DefinitionPage {
    id title slug url term abbreviation shortDefinition aliases jsonLd
    body { ...BodyBlock }
    disciplines { name slug }
    usedIn { title slug url }
  }
`);

export const HomeQuery = graphql(`
  query Home {
    guides(perPage: 6) { items { ...GuideCardFields } }
    jobs(perPage: 8, order: NEWEST) { items { ...JobCardFields } pagination { total } }
  }
`);

export const JobSearchQuery = graphql(`
  query JobSearch(
    $search: String, $disciplines: [String!], $roles: [String!], $countries: [String!],
    $institutions: [String!], $remote: RemotePolicy, $fundedOnly: Boolean,
    $order: JobOrder, $page: Int, $perPage: Int
  ) {
    jobs(
      search: $search, disciplines: $disciplines, roles: $roles, countries: $countries,
      institutions: $institutions, remote: $remote, fundedOnly: $fundedOnly,
      order: $order, page: $page, perPage: $perPage
    ) {
      items { ...JobCardFields description }
      pagination { total count perPage currentPage prevPage nextPage totalPages }
    }
    jobFacets(
      search: $search, disciplines: $disciplines, roles: $roles, countries: $countries,
      institutions: $institutions, remote: $remote, fundedOnly: $fundedOnly
    ) {
      total
      disciplines { slug name count }
      roles { slug name count }
      countries { code name count }
      institutions { slug name count }
    }
  }
`);

export const JobQuery = graphql(`
  query Job($slug: String!) {
    job(slug: $slug) { ...JobFields }
  }
`);

// "Similar jobs" on a job page: the same role and discipline (one more than shown, so that
// the job itself can be left out).
export const SimilarJobsQuery = graphql(`
  query SimilarJobs($roles: [String!], $disciplines: [String!]) {
    jobs(roles: $roles, disciplines: $disciplines, perPage: 5, order: NEWEST) { items { ...JobCardFields } }
  }
`);

// A job that has closed (its closing date passed, or it expired): the middleware answers its
// address 410 Gone with similar open jobs.
export const ClosedJobQuery = graphql(`
  query ClosedJob($slug: String!) {
    closedJob(slug: $slug) { title slug closingDate role { name slug } disciplines { slug } }
  }
`);

// Drafts by preview token: a query of its own, since the CMS never caches one with a token.
// (Without related pages: the API fails on a draft's relatedGuides / relatedTerms today.)
export const JobDraftQuery = graphql(`
  query JobDraft($token: String!) {
    job(token: $token) { ...JobFields }
  }
`);

export const GuideQuery = graphql(`
  query Guide($slug: String!) {
    guide(slug: $slug) { ...GuideFields relatedGuides { title slug url } }
  }
`);

// Drafts by preview token: a query of its own, since the CMS never caches one with a token.
export const GuideDraftQuery = graphql(`
  query GuideDraft($token: String!) {
    guide(token: $token) { ...GuideFields }
  }
`);

export const DefinitionQuery = graphql(`
  query Definition($slug: String!) {
    definition(slug: $slug) { ...DefinitionFields relatedTerms { term slug url } }
  }
`);

// Drafts by preview token: a query of its own, since the CMS never caches one with a token.
export const DefinitionDraftQuery = graphql(`
  query DefinitionDraft($token: String!) {
    definition(token: $token) { ...DefinitionFields }
  }
`);

export const GlossaryQuery = graphql(`
  query Glossary($startsWith: String, $page: Int) {
    definitions(startsWith: $startsWith, page: $page, perPage: 100) {
      items { term slug url abbreviation shortDefinition }
      pagination { total currentPage nextPage prevPage totalPages }
    }
  }
`);

// Which letters have terms: the A–Z bar links only those.
export const GlossaryTermsQuery = graphql(`
  query GlossaryTerms($page: Int) {
    definitions(page: $page, perPage: 100) { items { term } pagination { nextPage } }
  }
`);

export const TaxonomyQuery = graphql(`
  query Taxonomy {
    roles { name slug jobCount }
    disciplines { name slug jobCount }
  }
`);

export const InstitutionsQuery = graphql(`
  query Institutions($page: Int) {
    institutions(page: $page, perPage: 100) {
      items { name slug city websiteUrl kind jobCount logo { url } country { code name } }
      pagination { nextPage }
    }
  }
`);

export const SitemapQuery = graphql(`
  query Sitemap($page: Int) {
    jobs(page: $page, perPage: 100) { items { url lastPublishedAt } pagination { nextPage } }
    guides(perPage: 100) { items { url lastPublishedAt } }
    definitions(perPage: 100) { items { url lastPublishedAt } }
  }
`);

export const AlertFields = graphql(`
  fragment AlertFields on JobAlert {
    id frequency countries keywords remote active paused
    disciplines { name slug }
    roles { name slug }
  }
`);

export const SubscriptionQuery = graphql(`
  query Subscription($token: String!) {
    subscription(token: $token) { email status alerts { ...AlertFields } }
  }
`);

export const SubscribeMutation = graphql(`
  mutation Subscribe($email: String!, $alert: JobAlertInput!) {
    subscribe(email: $email, alert: $alert) { ok message }
  }
`);

export const ConfirmMutation = graphql(`
  mutation Confirm($token: String!) {
    confirmSubscription(token: $token) { ok message token }
  }
`);

export const AddAlertMutation = graphql(`
  mutation AddAlert($token: String!, $alert: JobAlertInput!) {
    addAlert(token: $token, alert: $alert) { ok message }
  }
`);

export const UpdateAlertMutation = graphql(`
  mutation UpdateAlert($token: String!, $id: ID!, $alert: JobAlertInput!) {
    updateAlert(token: $token, id: $id, alert: $alert) { ok message }
  }
`);

export const SetAlertPausedMutation = graphql(`
  mutation SetAlertPaused($token: String!, $id: ID!, $paused: Boolean!) {
    setAlertPaused(token: $token, id: $id, paused: $paused) { ok message }
  }
`);

export const DeleteAlertMutation = graphql(`
  mutation DeleteAlert($token: String!, $id: ID!) {
    deleteAlert(token: $token, id: $id) { ok message }
  }
`);

export const UnsubscribeMutation = graphql(`
  mutation Unsubscribe($token: String!) {
    unsubscribe(token: $token) { ok message }
  }
`);

export const PersonalDataQuery = graphql(`
  query PersonalData($token: String!) {
    subscription(token: $token) { personalData }
  }
`);

export const EraseSubscriptionMutation = graphql(`
  mutation EraseSubscription($token: String!) {
    eraseSubscription(token: $token) { ok message }
  }
`);

export const AlertOptionsQuery = graphql(`
  query AlertOptions {
    roles { name slug }
    disciplines { name slug parent { slug } }
    countries { code name }
  }
`);

// Every ISO country, for the "Post a job" form (an institution we do not list yet has no jobs).
export const AllCountriesQuery = graphql(`
  query AllCountries {
    countries(all: true) { code name }
  }
`);

export const RequestInstitutionAccountMutation = graphql(`
  mutation RequestInstitutionAccount($input: InstitutionAccountRequestInput!) {
    requestInstitutionAccount(input: $input) { ok message errors { field messages } }
  }
`);
