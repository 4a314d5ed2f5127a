"""Parsed, validated documents, kept in a cache that anonymous clients cannot grow.

A frontend sends a few dozen distinct documents, so `prepare` keeps each one parsed and
validated (GraphQL Yoga's parser and validation caches are the model) and almost every
request skips both. Anyone can send distinct documents, though, and a parsed document is
far bigger than its text: graphql-core keeps a node per name and value and every token of
the source (with its location), 500 to 800 bytes a token, so a 64 KB document of 20,000
tokens is 8 to 12 MB. An earlier LRU of 512 entries, refused documents included, grew a
worker by 259 MB with 80 such documents. So this cache:

- is bounded by bytes (GRAPHQL_DOCUMENT_CACHE_BYTES), each entry priced by an estimate from
  its text and its token count (`estimated_bytes`, measured with tracemalloc on alias-,
  directive- and string-heavy documents: the estimate is above what each really holds);
- never keeps a refused document (one that does not parse or validate is answered 400, and
  sending it again costs its sender the parse again), nor one priced above an eighth of the
  budget;
- keeps only what execution and the request's checks need: the document, its printed form
  (the response cache's key), whether it has a token argument, its fragments, the variables
  used as bounded arguments, and a few measures of its cost (limits.MEASURES_PER_DOCUMENT).
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
)
from graphql.language import ArgumentNode, ObjectFieldNode, Visitor, visit

from cms.graphql.limits import bounded_argument_variables, static_rules

MAX_TOKENS = 20_000  # graphql-core stops parsing past this many tokens
# The estimate of an entry's bytes: per token, per character of text (the text, the printed
# form and string values each hold a copy), and per entry.
BYTES_PER_TOKEN = 800
BYTES_PER_CHARACTER = 5
BYTES_PER_ENTRY = 16 * 1024


class _TokenArguments(Visitor):
    def __init__(self):
        super().__init__()
        self.found = False

    def enter_argument(self, node: ArgumentNode, *_args):
        self.found |= "token" in node.name.value.lower()

    def enter_object_field(self, node: ObjectFieldNode, *_args):
        self.found |= "token" in node.name.value.lower()


@dataclass(frozen=True, eq=False)
class PreparedDocument:
    """A parsed and validated document, with what the cache and the limits need to know."""

    schema: object
    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    normalised: str = ""  # the document as graphql-core prints it (whitespace-free key)
    has_token_argument: bool = False
    fragments: dict = field(default_factory=dict)
    bounded_variables: dict = field(default_factory=dict)
    # cms.graphql.limits.measure_request's results, by operation and list sizes.
    measures: dict = field(default_factory=dict)

    def _operations(self) -> list:
        return [d for d in self.document.definitions if isinstance(d, OperationDefinitionNode)]

    def operation_name(self, operation_name: str | None) -> str | None:
        """The name of the operation that would run (the document's only one, unnamed)."""
        if operation_name is not None or self.document is None:
            return operation_name
        operations = self._operations()
        single = operations[0] if len(operations) == 1 else None
        return single.name.value if single is not None and single.name else None

    def operation_type(self, operation_name: str | None) -> str | None:
        """ "query", "mutation" or "subscription" for the operation that would run; a
        document holding a mutation anywhere counts as one, whichever operation runs."""
        if self.document is None:
            return None
        operations = self._operations()
        writes = [op.operation.value for op in operations if op.operation.value != "query"]
        if writes:
            return writes[0]
        chosen = [
            op
            for op in operations
            if operation_name is None or (op.name and op.name.value == operation_name)
        ]
        return chosen[0].operation.value if len(chosen) == 1 else None


class DocumentCache:
    """Least recently used entries first out, whenever the estimated bytes pass the budget."""

    def __init__(self):
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key) -> PreparedDocument | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key, prepared: PreparedDocument, size: int, budget: int) -> None:
        if size > budget // 8:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (prepared, size)
            self.bytes += size
            while self.bytes > budget:
                _key, (_prepared, evicted) = self._entries.popitem(last=False)
                self.bytes -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


documents = DocumentCache()


def estimated_bytes(text: str, document: DocumentNode) -> int:
    tokens = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        tokens += 1
        token = token.next
    return BYTES_PER_ENTRY + BYTES_PER_CHARACTER * len(text) + BYTES_PER_TOKEN * tokens


def prepare(schema, query: str) -> PreparedDocument:
    """The parsed, validated document for this query text, from the cache when seen before."""
    # Everything a cached entry's checks depend on is in the key, so a change of settings
    # (in tests) never meets an entry made under others.
    fingerprint = (
        settings.GRAPHQL_ENABLE_INTROSPECTION,
        settings.GRAPHQL_MAX_PAGE_SIZE,
        settings.GRAPHQL_DEFAULT_PAGE_SIZE,
        settings.GRAPHQL_MAX_DEPTH,
    )
    # surrogatepass: JSON can carry a lone surrogate, which UTF-8 cannot encode.
    digest = hashlib.sha256(query.encode("utf-8", "surrogatepass")).digest()
    key = (id(schema), digest, fingerprint)
    prepared = documents.get(key)
    if prepared is None:
        prepared = _prepare(schema, query)
        if not prepared.errors:
            size = estimated_bytes(query, prepared.document)
            documents.put(key, prepared, size, settings.GRAPHQL_DOCUMENT_CACHE_BYTES)
    return prepared


def _prepare(schema, query: str) -> PreparedDocument:
    graphql_schema = schema.graphql_schema
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        return PreparedDocument(graphql_schema, None, (error,))
    except RecursionError:
        error = GraphQLError("The document is nested too deeply to parse.")
        return PreparedDocument(graphql_schema, None, (error,))
    errors = tuple(validate(graphql_schema, document, static_rules()))
    if errors:
        return PreparedDocument(graphql_schema, document, errors)
    finder = _TokenArguments()
    visit(document, finder)
    return PreparedDocument(
        graphql_schema,
        document,
        (),
        normalised=print_ast(document),
        has_token_argument=finder.found,
        fragments={
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        },
        bounded_variables=bounded_argument_variables(document),
    )
