"""The discipline tree: the one implementation of every walk over it.

Disciplines form a small tree (`Discipline.parent`), read whole in one query and walked in
memory. Every walk is here: the cycle check of the admin form (content.models), the
admin's indented widget (content.widgets), search's "this discipline and everything below"
(content.job_search, for jobs, guides and glossary terms), the per-discipline counts of
subtrees (content.job_counts) and alert matching's "this discipline and everything above"
(notifications.matching). Every walk stops at a node it has seen, so a cycle in the data
(which the cycle check keeps out) cannot loop forever.
"""

from collections.abc import Iterable


class DisciplineTree:
    """(id, parent id) pairs, with the walks every caller needs. A parent id that is not
    among the nodes counts as none (the node is a root). The whole tree is one query:
    `DisciplineTree(Discipline.objects.values_list("id", "parent_id"))` (this module imports
    no model, so that content.models and its widgets can use it)."""

    def __init__(self, pairs: Iterable[tuple[int, int | None]]):
        pairs = list(pairs)
        known = {pk for pk, _parent in pairs}
        self.parents: dict[int, int | None] = {
            pk: parent if parent in known else None for pk, parent in pairs
        }
        self.children: dict[int | None, list[int]] = {}
        for pk, parent in self.parents.items():
            self.children.setdefault(parent, []).append(pk)

    def ancestors_and_self(self, ids: Iterable[int]) -> set[int]:
        """The given disciplines and every discipline above them."""
        found: set[int] = set()
        for pk in ids:
            while pk is not None and pk not in found:
                found.add(pk)
                pk = self.parents.get(pk)
        return found

    def descendants_and_self(self, ids: Iterable[int]) -> set[int]:
        """The given disciplines and every discipline below them."""
        found: set[int] = set()
        stack = list(ids)
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(self.children.get(pk, []))
        return found

    def subtrees(self) -> dict[int, set[int]]:
        """Every discipline's subtree (itself and everything below)."""
        subtree: dict[int, set[int]] = {pk: set() for pk in self.parents}
        for pk in self.parents:
            for ancestor in self.ancestors_and_self([pk]):
                subtree[ancestor].add(pk)
        return subtree

    def depth_first(self) -> list[tuple[int, int]]:
        """(id, depth) pairs: each parent followed by its children, siblings in the order
        the pairs were given."""
        ordered, seen = [], set()
        stack = [(pk, 0) for pk in reversed(self.children.get(None, []))]
        while stack:
            pk, depth = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            ordered.append((pk, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children.get(pk, [])))
        return ordered

    def would_cycle(self, pk: int | None, parent: int | None) -> bool:
        """Whether putting `pk` under `parent` would put it under itself."""
        return pk is not None and parent is not None and pk in self.ancestors_and_self([parent])
