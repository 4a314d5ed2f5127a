"""Per-request loaders: one cache per loader class per request (saleor's pattern).

Execution here is synchronous, so a loader batches what it is asked for at once: list
resolvers hand it every key of the page (`load_many`), and the objects of that page then
find theirs in the cache. A loader's `batch_load` returns a dict of the keys it found.
Where a list knows its keys before the fields that need them are asked for (a page of
bodies), it `prime`s them: no query then, but the first `load` fetches them in its batch.
"""


class Loader:
    def __init__(self, request):
        self.request = request
        self.cache: dict = {}
        self.pending: dict = {}  # primed keys, in order (a dict as an ordered set)

    @classmethod
    def of(cls, info) -> "Loader":
        """This request's instance of the loader."""
        request = info.context
        loaders = request.__dict__.setdefault("_graphql_loaders", {})
        if cls not in loaders:
            loaders[cls] = cls(request)
        return loaders[cls]

    def batch_load(self, keys: list) -> dict:
        raise NotImplementedError

    def prime(self, keys) -> None:
        """Fetch these keys with the next batch, without querying now."""
        self.pending.update(dict.fromkeys(key for key in keys if key not in self.cache))

    def load_many(self, keys) -> list:
        wanted = dict.fromkeys([*keys, *self.pending])
        self.pending = {}
        missing = [key for key in wanted if key not in self.cache]
        if missing:
            found = self.batch_load(missing)
            self.cache.update({key: found.get(key) for key in missing})
        return [self.cache[key] for key in keys]

    def load(self, key):
        return None if key is None else self.load_many([key])[0]
