"""The any_of lookup (notifications/sql.py) selects what `__in` selects."""

import pytest

from notifications.models import Delivery, Subscriber
from tests.notifications.factories import confirmed_subscriber

pytestmark = pytest.mark.django_db


def test_any_of_selects_what_in_selects():
    subscribers = [confirmed_subscriber(f"any{i}@example.org") for i in range(3)]
    ids = [subscribers[0].pk, subscribers[2].pk, 10**12]
    for chosen in (ids, set(ids), [], [subscribers[1].pk]):
        expected = set(Subscriber.objects.filter(pk__in=chosen).values_list("pk", flat=True))
        found = set(Subscriber.objects.filter(pk__any_of=chosen).values_list("pk", flat=True))
        assert found == expected
    # A relation's column, as the batches filter the ledger by subscriber (which has no
    # rows here): it compiles and runs on both databases.
    assert not Delivery.objects.filter(subscriber_id__any_of=ids).exists()
