"""content.discipline_tree: the one walk over the discipline tree, and its users."""

import pytest
from django.core.exceptions import ValidationError

from content.discipline_tree import DisciplineTree
from tests.content.factories import DisciplineFactory

# 1 ─ 2 ─ 3     4 ─ 5
#      └ 6
TREE = DisciplineTree([(1, None), (2, 1), (3, 2), (6, 2), (4, None), (5, 4)])


def test_ancestors_and_descendants():
    assert TREE.ancestors_and_self([3]) == {1, 2, 3}
    assert TREE.ancestors_and_self([3, 5]) == {1, 2, 3, 4, 5}
    assert TREE.descendants_and_self([2]) == {2, 3, 6}
    assert TREE.descendants_and_self([1, 4]) == {1, 2, 3, 4, 5, 6}
    assert TREE.subtrees() == {1: {1, 2, 3, 6}, 2: {2, 3, 6}, 3: {3}, 6: {6}, 4: {4, 5}, 5: {5}}


def test_depth_first_order_and_unknown_parents_are_roots():
    assert TREE.depth_first() == [(1, 0), (2, 1), (3, 2), (6, 2), (4, 0), (5, 1)]
    assert DisciplineTree([(3, 2), (6, 2)]).depth_first() == [(3, 0), (6, 0)]


def test_a_cycle_in_the_data_ends_every_walk():
    looped = DisciplineTree([(1, 2), (2, 1), (3, None)])
    assert looped.ancestors_and_self([1]) == {1, 2}
    assert looped.would_cycle(1, 2)
    assert not TREE.would_cycle(4, 3) and TREE.would_cycle(1, 3) and TREE.would_cycle(2, 2)


@pytest.mark.django_db
def test_the_admin_refuses_a_discipline_under_its_own_descendant():
    top = DisciplineFactory(name="Science")
    middle = DisciplineFactory(name="Physics", parent=top)
    bottom = DisciplineFactory(name="Optics", parent=middle)
    top.parent = bottom
    with pytest.raises(ValidationError, match="cannot sit under itself"):
        top.clean()
    bottom.parent = top
    bottom.clean()  # moving it up is fine
