"""Wagtail's `purge_revisions --days N`, in a few statements whatever the number of revisions.

Mirrors wagtail/management/commands/purge_revisions.py of Wagtail 7.4.4 (pyproject pins
wagtail 7.4): that command checks each revision older than the window with a query of its
own ("is it the latest?") and deletes the others one by one, so a nightly run over a board's
old revisions costs queries per revision. Here the same set is chosen in one query and
deleted with the same effects on what refers to it (Django's on_delete of each relation):

- chosen: revisions created before the window, without `approved_go_live_at` (scheduled),
  not linked to a workflow state in progress or needing changes (when workflows are on),
  and not the latest of their object (by `created_at`, then id). Wagtail 7.4's rule keeps a
  *live* revision only when it is one of these; a live revision with a newer draft goes,
  and the object's `live_revision` becomes null (as with the command).
- comments created on a deleted revision move to the next revision of the object that
  stays (`Revision.delete` moves them to the next one, again at each deletion);
- relations: CASCADE rows are deleted through Django (task states), SET_NULL columns set
  to null in one UPDATE each (pages' and snippets' `latest_revision`/`live_revision`),
  DO_NOTHING left (log entries); a revision a PROTECT/RESTRICT row refers to is kept, as
  the command's ProtectedError skips it;
- the revisions: one DELETE. Revisions have no delete signal receivers of their own (the
  project's generic ones ignore them), so none is sent, as Django's fast delete does.

tests/content/test_revision_purge.py builds each case and compares the deleted set with the
command's, and counts the statements.
"""

import datetime as dt

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from wagtail.models import Revision, WorkflowState
from wagtail.models.pages import Comment


def purgeable(days: int) -> models.QuerySet:
    """The revisions `purge_revisions --days days` deletes."""
    revisions = Revision.objects.filter(
        created_at__lt=timezone.now() - dt.timedelta(days=days), approved_go_live_at__isnull=True
    )
    if getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
        revisions = revisions.exclude(
            Q(task_states__workflow_state__status=WorkflowState.STATUS_IN_PROGRESS)
            | Q(task_states__workflow_state__status=WorkflowState.STATUS_NEEDS_CHANGES)
        )
    newer = Revision.objects.filter(
        base_content_type_id=OuterRef("base_content_type_id"), object_id=OuterRef("object_id")
    ).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    revisions = revisions.filter(Exists(newer))
    for field in _relations(models.PROTECT, models.RESTRICT):
        kept = field.model._base_manager.filter(**{f"{field.name}__isnull": False})
        revisions = revisions.exclude(pk__in=kept.values(field.name))
    return revisions


def _relations(*on_delete):
    """Foreign keys to Revision (hidden ones too: related_name="+") with these on_delete."""
    return [
        relation.field
        for relation in Revision._meta.get_fields(include_hidden=True)
        if isinstance(relation, models.ForeignObjectRel)
        and not relation.many_to_many
        and relation.on_delete in on_delete
    ]


def purge_revisions(days: int) -> int:
    """Delete what `manage.py purge_revisions --days days` deletes; how many."""
    with transaction.atomic():
        doomed = purgeable(days)
        ids = doomed.values("pk")
        for comment in Comment.objects.filter(revision_created__in=ids).select_related(
            "revision_created"
        ):
            old = comment.revision_created
            following = (
                Revision.objects.filter(
                    base_content_type_id=old.base_content_type_id, object_id=old.object_id
                )
                .filter(
                    Q(created_at__gt=old.created_at) | Q(created_at=old.created_at, pk__gt=old.pk)
                )
                .exclude(pk__in=ids)
                .order_by("created_at", "pk")
                .first()
            )
            Comment.objects.filter(pk=comment.pk).update(revision_created=following)
        for field in _relations(models.CASCADE):
            field.model._base_manager.filter(**{f"{field.name}__in": ids}).delete()
        for field in _relations(models.SET_NULL):
            field.model._base_manager.filter(**{f"{field.name}__in": ids}).update(
                **{field.name: None}
            )
        # One DELETE ... WHERE id IN (the chosen set): the relations were handled above.
        return doomed._raw_delete(doomed.db)
