"""Per-request loaders: one cache per loader class per request (saleor's pattern).

Execution here is synchronous, so a loader batches what it is asked for at once: list
resolvers hand it every key of the page, either loaded at once (`load_many`) or announced
(`want`: fetched together with the first key actually loaded, so a relation the query does
not select costs nothing), and the objects of that page then find theirs in the cache.
A loader's `batch_load` returns a dict of the keys it found (it may find more).
"""


class Loader:
    def __init__(self, request):
        self.request = request
        self.cache: dict = {}
        self.wanted: dict = {}  # keys to fetch with the next miss (a dict keeps their order)

    @classmethod
    def of(cls, info) -> "Loader":
        """This request's instance of the loader."""
        return cls.for_request(info.context)

    @classmethod
    def for_request(cls, request) -> "Loader":
        loaders = request.__dict__.setdefault("_graphql_loaders", {})
        if cls not in loaders:
            loaders[cls] = cls(request)
        return loaders[cls]

    def batch_load(self, keys: list) -> dict:
        raise NotImplementedError

    def want(self, keys) -> None:
        """Keys likely to be loaded: fetched in the same batch as the first miss, if any."""
        self.wanted.update(
            dict.fromkeys(key for key in keys if key is not None and key not in self.cache)
        )

    def load_many(self, keys) -> list:
        missing = [key for key in dict.fromkeys(keys) if key not in self.cache]
        if missing:
            batch = list({**dict.fromkeys(missing), **self.wanted})
            self.wanted = {}
            found = self.batch_load(batch)
            # A loader may find more than it was asked for (a whole small table): keep all.
            self.cache.update({**dict.fromkeys(batch), **found})
        return [self.cache[key] for key in keys]

    def load(self, key):
        if key is None:
            return None
        # Most calls are hits (a page of objects after its batch): answer them directly.
        return self.cache[key] if key in self.cache else self.load_many([key])[0]
