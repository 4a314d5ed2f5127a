"""content.job_fields declares a job's public fields once; every list of them agrees with it.

A concrete field added to JobPostingPage without a declaration fails the first test; a
declaration that a derived list does not pick up fails the others."""

import pytest
from graphene.utils.str_converters import to_camel_case
from wagtail.models import Page

from cms.graphql.employers import JobPostingInput
from cms.graphql.jobs.listing import COLUMNS, PAGE_COLUMNS
from cms.graphql.jobs.types import JobPostingPageType
from cms.graphql.pages.types import PageInterface
from content.imports import reading
from content.job_fields import BY_NAME, JOB_FIELDS, PLAIN, PRIVATE, Kind, graphql_groups
from content.models import JobPostingPage
from notifications.email import JOB_FIELDS as EMAIL_LOOKUPS


def _own_fields() -> set[str]:
    """JobPostingPage's own fields (not Wagtail's Page's), many-to-many included."""
    page_fields = {field.name for field in Page._meta.get_fields()}
    return {
        field.name
        for field in JobPostingPage._meta.get_fields()
        if field.concrete and field.name not in page_fields
    }


def test_every_field_of_the_model_is_declared_or_private():
    undeclared = _own_fields() - BY_NAME.keys() - PRIVATE
    assert not undeclared, f"Declare these in content/job_fields.py (or PRIVATE): {undeclared}"


def test_every_declaration_names_a_model_field_of_its_kind():
    for field in JOB_FIELDS:
        model_field = JobPostingPage._meta.get_field(field.name)
        assert (field.kind == Kind.RELATION) == model_field.is_relation, field.name
        if field.kind == Kind.CHOICE:
            assert model_field.choices, field.name


def test_the_graphql_type_has_one_field_per_declared_group_in_order():
    interface = set(PageInterface._meta.fields)
    own = [name for name in JobPostingPageType._meta.fields if name not in interface]
    assert own == [*graphql_groups(), "json_ld"]
    for name, (first, *_rest) in graphql_groups().items():
        if first.graphql == PLAIN:
            graphql_field = JobPostingPageType._meta.fields[name]
            assert graphql_field.description == first.description


def test_the_listing_projection_answers_every_listed_field_and_only_those():
    expected = {
        to_camel_case(name)
        for name, fields in graphql_groups().items()
        if all(field.listed for field in fields)
    }
    assert COLUMNS.keys() - PAGE_COLUMNS.keys() == expected
    assert "description" not in COLUMNS  # rich text takes the model path


@pytest.mark.django_db
def test_the_listing_columns_and_the_email_facts_are_real_lookups():
    columns = {column for lookups in COLUMNS.values() for column in lookups}
    list(JobPostingPage.objects.values(*columns))
    list(JobPostingPage.objects.values_list(*EMAIL_LOOKUPS))
    for name in (field.name for field in JOB_FIELDS if field.email):
        assert any(lookup.split("__")[0] == name for lookup in EMAIL_LOOKUPS), name


def test_the_import_reads_every_importable_field():
    importable = {field.name for field in JOB_FIELDS if field.importable}
    assert importable == reading.KNOWN_KEYS
    mapped = {*reading.TEXT_FIELDS, *reading.RICH_TEXT_FIELDS, *reading.BOOL_FIELDS}
    relations = {field.name for field in JOB_FIELDS if field.kind == Kind.RELATION}
    assert mapped | relations == importable


def test_the_employer_input_takes_every_declared_input():
    declared = {
        "salary" if field.graphql == "salary" else field.name
        for field in JOB_FIELDS
        if field.employer is not None
    }
    assert set(JobPostingInput._meta.fields) == declared


def test_a_new_declaration_reaches_the_type_the_listing_and_the_input(monkeypatch):
    """What adding one JobField gives, without touching any other module."""
    from cms.graphql import employers
    from cms.graphql.jobs import listing, types
    from content import job_fields

    extra = job_fields.JobField(
        "contact_name", Kind.TEXT, "Who answers questions.", employer="Who answers."
    )
    declared = (*job_fields.JOB_FIELDS, extra)
    monkeypatch.setattr(job_fields, "JOB_FIELDS", declared)
    monkeypatch.setattr(employers, "JOB_FIELDS", declared)
    fields = types._job_fields()
    assert fields["contact_name"].kwargs["description"] == "Who answers questions."
    assert listing._job_columns()["contactName"] == ("contact_name",)
    assert employers._input_fields()["contact_name"].kwargs["description"] == "Who answers."
