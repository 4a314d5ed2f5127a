"""The glossary-term picker of the definition-list block: it finds terms by name, abbreviation
and alias, and each chosen row is labelled with its term."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.urls import reverse
from wagtail import hooks

from content.blocks import DefinitionListBlock
from content.choosers import matching_terms, term_label
from content.models import DefinitionPage, InstitutionMembership
from tests.content.factories import DefinitionPageFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms(glossary_index):
    return {
        "phd": DefinitionPageFactory(
            parent=glossary_index,
            term="Doctor of Philosophy",
            abbreviation="PhD",
            alternative_names="Doctorate, DPhil",
        ),
        "ml": DefinitionPageFactory(
            parent=glossary_index,
            term="Machine Learning",
            abbreviation="ML",
            short_definition="Programs that learn from data, like a doctorate student.",
        ),
        "nn": DefinitionPageFactory(
            parent=glossary_index, term="Neural Networks", alternative_names="ANN, neural nets"
        ),
    }


def found(query: str) -> set[str]:
    return set(matching_terms(DefinitionPage.objects.all(), query).values_list("term", flat=True))


def test_terms_are_found_by_name_alias_or_abbreviation(terms):
    assert found("machine") == {"Machine Learning"}
    assert found("doctorate") == {"Doctor of Philosophy"}  # an alias, not the definition text
    assert found("dphil") == {"Doctor of Philosophy"}
    assert found("neural net") == {"Neural Networks"}
    assert found("ml") == {"Machine Learning"}  # the abbreviation, whole
    assert found("  ") == {"Doctor of Philosophy", "Machine Learning", "Neural Networks"}
    assert found("astronomy") == set()


def test_a_term_is_labelled_with_its_abbreviation(terms):
    assert term_label(terms["phd"]) == "Doctor of Philosophy (PhD)"
    assert term_label(terms["nn"]) == "Neural Networks"


def results(client, query: str) -> list[list[str]]:
    """The chooser modal's result rows, as the cells' text."""
    response = client.get(reverse("definition_chooser:choose_results"), {"q": query})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in soup.select("tbody tr")
    ]


def test_the_chooser_searches_aliases_and_shows_the_term(editor, terms):
    (row,) = results(editor, "doctorate")
    assert row[:3] == ["Doctor of Philosophy (PhD)", "Doctorate, DPhil", "live"]
    assert [row[0] for row in results(editor, "")] == [
        "Doctor of Philosophy (PhD)",
        "Machine Learning (ML)",
        "Neural Networks",
    ]

    modal = editor.get(reverse("definition_chooser:choose"))
    assert modal.status_code == 200
    html = modal.json()["html"]
    assert "Term, abbreviation or alias" in html
    assert "tab-create" not in html  # terms are written in the page tree, not in a modal

    chosen = editor.get(reverse("definition_chooser:chosen", args=[terms["phd"].pk])).json()
    assert chosen["result"]["title"] == "Doctor of Philosophy (PhD)"


def test_the_chooser_applies_the_page_chooser_rules(client, terms):
    """Institution accounts' page-chooser rules run here too (they see every term: only job
    postings are institution content), and any rule added for pages applies at once."""
    user = User.objects.create_user("olive", "olive@ox.example", "pw")
    InstitutionMembership.objects.create(user=user, institution=InstitutionFactory())
    client.force_login(user)
    assert len(results(client, "")) == 3

    def hide_machine_learning(pages, request):
        return pages.exclude(slug="machine-learning")

    with hooks.register_temporarily("construct_page_chooser_queryset", hide_machine_learning):
        assert [row[0] for row in results(client, "")] == [
            "Doctor of Philosophy (PhD)",
            "Neural Networks",
        ]


def test_the_chooser_is_for_editors_only(client, terms):
    response = client.get(reverse("definition_chooser:choose_results"), {"q": "doctorate"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_definition_list_rows_carry_the_term(terms):
    block = DefinitionListBlock()
    value = block.to_python({"heading": "Words", "terms": [terms["phd"].pk, terms["nn"].pk]})
    row_block = block.child_blocks["terms"].child_block
    assert row_block.label == "Term"
    states = [row_block.get_form_state(page) for page in value["terms"]]
    assert [state["title"] for state in states] == ["Doctor of Philosophy (PhD)", "Neural Networks"]
    # Stored as before (page ids), so existing guides keep their terms.
    assert block.get_prep_value(value)["terms"][0]["value"] == terms["phd"].pk
