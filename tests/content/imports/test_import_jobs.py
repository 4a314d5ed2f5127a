"""`manage.py import_jobs`: CSV and JSON-LD, per-row validation, idempotent re-imports."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from content import jsonld
from content.imports.bulk import import_rows
from content.imports.reading import (
    Mode,
    Record,
    clean_html,
    prepare_job,
    save_job,
)
from content.job_search import FILTERS, JobFilters, search_jobs
from content.models import JobPostingPage
from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)

CLOSING = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
PAST = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

HEADER = (
    "title,institution,role,disciplines,reference,closing_date,start_date,"
    "salary_min,salary_max,salary_currency,employment_type,application_url,description,funded\n"
)


@pytest.fixture
def taxonomy(db):
    return {
        "oxford": InstitutionFactory(
            name="University of Oxford", slug="oxford", website_url="https://www.ox.ac.uk"
        ),
        "eth": InstitutionFactory(name="ETH Zurich", slug="eth", country="CH"),
        "phd": RoleFactory(name="PhD studentship", slug="phd"),
        "postdoc": RoleFactory(name="Postdoc", slug="postdoc"),
        "ml": DisciplineFactory(name="Machine Learning", slug="machine-learning"),
        "nlp": DisciplineFactory(name="NLP", slug="nlp"),
    }


def write_csv(tmp_path, rows: list[str], name="jobs.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return str(path)


GOOD_ROWS = [
    f'PhD in robot learning,oxford,phd,"machine-learning;nlp",OX-1,{CLOSING},,'
    f"20000,25000,gbp,Full time,https://ox.example/1,Join our lab.,yes",
    f"Postdoc in NLP,ETH Zurich,Postdoc,nlp,ETH-7,{CLOSING},,,,,PART_TIME,"
    f'https://eth.example/7,"<p>Great <b>team</b><script>alert(1)</script></p>",no',
]
BAD_ROWS = [
    # line 4: unknown role; line 5: closing date passed and max < min; line 6: no reference
    f"Lecturer,oxford,wizard,,OX-2,{CLOSING},,,,,,https://ox.example/2,Teach.,no",
    f"Old job,oxford,phd,,OX-3,{PAST},,30000,10000,GBP,,https://ox.example/3,Old.,no",
    f"No ref,oxford,phd,,,{CLOSING},,,,,,https://ox.example/4,Text.,no",
    # line 7: not a date, unknown discipline, no way to apply
    "Bad date,eth,phd,alchemy,ETH-8,31/02/2030,,,,,,,Text.,maybe",
]
REPEAT_ROW = GOOD_ROWS[0]  # line 8: the same posting again


def run(path, *args):
    """Run the command; return (stdout, stderr, error message or None)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_jobs", path, *args, stdout=out, stderr=err)
        failure = None
    except CommandError as exc:
        failure = str(exc)
    return out.getvalue(), err.getvalue(), failure


def test_csv_import_twice_reports_errors_by_line_and_never_duplicates(
    tmp_path, job_index, taxonomy
):
    path = write_csv(tmp_path, [*GOOD_ROWS, *BAD_ROWS, REPEAT_ROW])

    out, err, failure = run(path)
    assert "7 lines: 2 created, 0 updated, 1 unchanged, 4 failed." in out
    assert failure == "4 line(s) not imported; see above."
    assert "line 4: role: Unknown role “wizard”." in err
    assert "line 5: closing_date: The closing date has passed." in err
    assert "line 5: salary_min: The minimum salary is higher than the maximum." in err
    assert "line 6: reference: Give the employer's reference" in err
    assert "line 7: disciplines: Unknown discipline “alchemy”." in err
    assert "line 7: closing_date:" in err
    assert "line 7: funded: “maybe” is not yes or no." in err
    assert "line 7: application_url: Give an application URL" in err
    assert "line 2" not in err and "line 3" not in err and "line 8" not in err

    jobs = JobPostingPage.objects.order_by("reference")
    assert [(job.reference, job.live) for job in jobs] == [("ETH-7", False), ("OX-1", False)]
    oxford_job = jobs.get(reference="OX-1").get_latest_revision_as_object()
    assert oxford_job.institution == taxonomy["oxford"]
    assert oxford_job.role == taxonomy["phd"]
    assert {d.slug for d in oxford_job.disciplines.all()} == {"machine-learning", "nlp"}
    assert oxford_job.salary_currency == "GBP"
    assert oxford_job.funded is True
    assert oxford_job.description == "<p>Join our lab.</p>"
    eth_job = jobs.get(reference="ETH-7").get_latest_revision_as_object()
    assert eth_job.employment_type == "PART_TIME"
    assert "<script>" not in eth_job.description and "<b>team</b>" in eth_job.description
    revisions = {job.reference: job.revisions.count() for job in jobs}

    out, err, failure = run(path)
    assert "7 lines: 0 created, 0 updated, 3 unchanged, 4 failed." in out
    assert JobPostingPage.objects.count() == 2
    assert {job.reference: job.revisions.count() for job in jobs} == revisions


def test_reimport_updates_and_publish(tmp_path, job_index, taxonomy):
    run(write_csv(tmp_path, GOOD_ROWS[:1]))
    job = JobPostingPage.objects.get()
    assert not job.live

    changed = GOOD_ROWS[0].replace("PhD in robot learning", "PhD in robot learning (funded)")
    out, _, failure = run(write_csv(tmp_path, [changed], "changed.csv"), "--publish")
    assert failure is None
    assert "1 lines: 0 created, 1 updated" in out
    job = JobPostingPage.objects.get()
    assert job.live and job.title == "PhD in robot learning (funded)"
    assert {d.slug for d in job.disciplines.all()} == {"machine-learning", "nlp"}

    # Published and unchanged: nothing to do, no new revision.
    count = job.revisions.count()
    out, _, _ = run(write_csv(tmp_path, [changed], "changed.csv"), "--publish")
    assert "1 unchanged" in out and job.revisions.count() == count


def test_unchanged_draft_is_published_by_a_publish_import(tmp_path, job_index, taxonomy):
    path = write_csv(tmp_path, GOOD_ROWS[:1])
    run(path)
    out, _, _ = run(path, "--publish")
    assert "1 updated" in out
    assert JobPostingPage.objects.get().live


def test_institution_option_scopes_the_reference(tmp_path, job_index, taxonomy):
    # Another institution's posting with the same reference is a different posting.
    JobPostingPageFactory(parent=job_index, institution=taxonomy["eth"], reference="OX-1")
    rows = [GOOD_ROWS[0], GOOD_ROWS[1]]
    out, err, failure = run(write_csv(tmp_path, rows), "--institution", "oxford")
    assert "1 created" in out
    assert "line 3: institution: Postings here can only be for University of Oxford." in err
    assert JobPostingPage.objects.filter(reference="OX-1").count() == 2

    _, _, failure = run(write_csv(tmp_path, rows), "--institution", "nowhere")
    assert failure == "No institution with the slug “nowhere”."


def job_posting_ld(**overrides):
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "Research fellow in speech",
        "description": "<p>Work on speech recognition.</p>",
        "datePosted": "2026-01-10",
        "validThrough": f"{CLOSING}T17:00:00+00:00",
        "employmentType": ["FULL_TIME", "TEMPORARY"],
        "hiringOrganization": {
            "@type": "Organization",
            "name": "Oxford",
            "sameAs": "https://ox.ac.uk/",
        },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Oxford",
                "addressCountry": "GB",
            },
        },
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "GBP",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": 38000,
                "maxValue": 45000,
                "unitText": "YEAR",
            },
        },
        "identifier": {"@type": "PropertyValue", "name": "Oxford", "value": "OX-LD-1"},
        "occupationalCategory": "Postdoc",
        "url": "https://ox.example/ld-1",
        "educationRequirements": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "postgraduate degree",
        },
        "keywords": ["speech", "audio"],
    }
    data.update(overrides)
    return data


def test_json_ld_import(tmp_path, job_index, taxonomy):
    bad = job_posting_ld(
        identifier="OX-LD-2",
        hiringOrganization={"@type": "Organization", "name": "Unknown College"},
        baseSalary={"@type": "MonetaryAmount", "currency": "XYZ", "value": 100},
    )
    path = tmp_path / "jobs.jsonld"
    path.write_text(json.dumps({"@graph": [job_posting_ld(), bad, job_posting_ld()]}))

    out, err, failure = run(str(path), "--publish")
    assert failure == "1 record(s) not imported; see above."
    assert "3 records: 1 created, 0 updated, 1 unchanged, 1 failed." in out
    assert "record 2: institution: Unknown institution “Unknown College”." in err
    assert "record 2: salary_currency:" in err
    job = JobPostingPage.objects.get()
    assert job.live
    assert (job.institution, job.role) == (taxonomy["oxford"], taxonomy["postdoc"])
    assert (job.reference, job.city, job.country) == ("OX-LD-1", "Oxford", "GB")
    assert job.closing_date.isoformat() == CLOSING
    assert (job.salary_min, job.salary_max, job.salary_period) == (38000, 45000, "YEAR")
    assert job.employment_type == "FULL_TIME"
    assert job.application_url == "https://ox.example/ld-1"
    assert job.education_requirement == "postgraduate degree"
    assert job.keyword_list == ["speech", "audio"]


def test_our_own_json_ld_round_trips(job_index, taxonomy):
    original = JobPostingPageFactory(
        parent=job_index, institution=taxonomy["oxford"], role=taxonomy["phd"], reference="R-9"
    )
    exported = jsonld.job_posting(original)
    original.delete()
    report = import_rows([Record(1, exported)])
    assert report.count("created") == 1, report.failures
    job = JobPostingPage.objects.get().get_latest_revision_as_object()
    assert job.closing_date == original.closing_date  # validThrough is midnight after it
    assert (job.title, job.reference, job.institution) == (
        original.title,
        "R-9",
        original.institution,
    )


def test_unreadable_files_fail_whole(tmp_path, job_index, taxonomy):
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    assert run(str(broken))[2].startswith("Invalid JSON")
    columns = tmp_path / "columns.csv"
    columns.write_text("title,colour\nA,red\n")
    assert run(str(columns))[2].startswith("Unknown CSV columns: colour.")
    not_objects = tmp_path / "list.json"
    not_objects.write_text("[1]")
    assert "record 1: Each record must be a JSON object." in run(str(not_objects))[1]
    assert JobPostingPage.objects.count() == 0


def test_prepare_job_writes_nothing(job_index, taxonomy):
    prepared, errors = prepare_job(
        {
            "title": "T",
            "institution": "oxford",
            "role": "phd",
            "reference": "X",
            "closing_date": CLOSING,
            "description": "D",
            "application_email": "a@ox.example",
        }
    )
    assert errors == {}
    assert prepared.is_new and prepared.page.pk is None
    assert JobPostingPage.objects.count() == 0


def test_without_a_job_index_nothing_is_read(tmp_path, taxonomy):
    _, _, failure = run(write_csv(tmp_path, GOOD_ROWS))
    assert failure == "There is no job index page to put postings under."
    assert JobPostingPage.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("salary_min", {"salary_min": "NaN"}),
        ("salary_min", {"salary_min": "Infinity", "salary_max": "1"}),
        ("salary_max", {"salary_max": "-Infinity"}),
        ("salary_max", {"salary_max": "1e30"}),
        ("salary_min", {"salary_min": "-1"}),
        ("salary_min", {"salary_min": "abc", "salary_max": "100"}),
        ("salary_min", {"salary_min": 30000, "salary_max": 10000}),
        ("duration_months", {"duration_months": "nan"}),
        ("duration_months", {"duration_months": -3}),
        ("duration_months", {"duration_months": "1e9"}),
        ("duration_months", {"duration_months": 0, "contract_type": "FIXED_TERM"}),
        ("start_date", {"start_date": "2030-02-31"}),
    ],
)
def test_impossible_numbers_and_dates_are_field_errors(taxonomy, field, values):
    record = {
        "title": "Postdoc",
        "institution": "oxford",
        "role": "postdoc",
        "reference": "OX-9",
        "closing_date": CLOSING,
        "salary_currency": "GBP",
        "application_url": "https://ox.example/9",
        "description": "Text.",
        **values,
    }
    prepared, errors = prepare_job(record)
    assert prepared is None and field in errors, errors


# For each job filter (content.job_search.FILTERS): a value that must find the imported job
# below, and one that must not (None: the filter has no excluding value).
FILTER_VALUES = {
    "disciplines": (["nlp"], ["physics"]),
    "roles": (["phd"], ["postdoc"]),
    "countries": (["GB"], ["CH"]),
    "institutions": (["oxford"], ["eth"]),
    "remote": ("REMOTE", "ON_SITE"),
    "employment_types": (["FULL_TIME"], ["PART_TIME"]),
    "funded_only": (True, None),
    "posted_after": (timezone.localdate(), timezone.localdate() + dt.timedelta(days=1)),
    "closing_after": (
        dt.date.fromisoformat(CLOSING),
        dt.date.fromisoformat(CLOSING) + dt.timedelta(days=1),
    ),
}


@pytest.mark.parametrize("name", [job_filter.name for job_filter in FILTERS])
def test_every_job_filter_finds_a_job_as_the_import_accepted_it(job_index, taxonomy, name):
    """The import accepts names, labels and any case; what it stores must be what each job
    filter compares (a new filter needs a line in FILTER_VALUES, and the import may need to
    learn its field)."""
    DisciplineFactory(slug="physics")
    prepared, errors = prepare_job(
        {
            "title": "Glacier PhD",
            "institution": "University of Oxford",
            "role": "PhD studentship",
            "disciplines": "Machine Learning; nlp",
            "reference": "R-1",
            "closing_date": CLOSING,
            "description": "Ice.",
            "application_url": "https://ox.example/1",
            "country": "gb",
            "remote_policy": "remote",
            "employment_type": "Full time",
            "funded": "yes",
        }
    )
    assert errors == {}
    job = save_job(prepared, mode=Mode.PUBLISH)
    found, other = FILTER_VALUES[name]
    assert list(search_jobs(JobFilters(**{name: found}))) == [job]
    if other is not None:
        assert list(search_jobs(JobFilters(**{name: other}))) == []


def test_rich_text_is_cleaned_by_the_editors_own_cleaning(job_index, taxonomy):
    """Imported HTML keeps what the editor allows and loses the rest (scripts, handlers)."""
    prepared, errors = prepare_job(
        {
            "title": "T",
            "institution": "oxford",
            "role": "phd",
            "reference": "X",
            "closing_date": CLOSING,
            "description": '<p onclick="x()">Plain <b>bold</b></p><script>alert(1)</script>',
            "application_email": "a@ox.example",
        }
    )
    assert errors == {}
    # Wagtail's whitelister drops the element and the handler, keeping the script's text.
    assert prepared.page.description == "<p>Plain <b>bold</b></p>alert(1)"


@pytest.mark.parametrize(
    "html",
    [
        "<p>a</p><p>b</p>",
        "<p><p>x</p></p>",
        "<b><p>x</p><p>y</p></b>",
        "<ul><li>a<li>b</ul>",
        "<p>a &amp; b &lt; c</p>text&nbsp;<p>x</p>",
        "<div>d</div><p>x</p>",
        "<p>a<br>b</p><hr><p>c</p>",
        "</p><p>x</p>",
        "<p>x</p></br>",
        "<p>x</P>",
        "<p>unclosed",
        "<script><p></p></script><p>x</p>",
        "<style><p>x</p></style><p>y</p>",
        "<span>s</span> tail",
        "<p>a</p>\n\n<p>b</p>\n",
        "<h2>t</h2><ol><li>1</li></ol>",
        "<p>&amp</p><p>&#x26;</p>",
        "<table><tr><td>x</td></tr></table><p>y</p>",
        "<p>x<!-- c --></p><p>y</p>",
        "<p>a</p>&<p>b</p>",
        "<p>&quot;q&quot; 'a'</p><p>\"q\"</p>",
        '<p onclick="x()">a</p><p>b</p>',
        "<p>a < b</p><p>c</p>",
    ],
)
def test_rich_text_cleaned_per_element_is_cleaned_as_a_whole(html):
    """Imports clean (and remember) each top-level element on its own: the result must be
    the editor's cleaning of the whole text, whatever the text."""
    assert clean_html(html) == EditorHTMLConverter().to_database_format(html)
    assert clean_html(html) == clean_html(html)  # and again, from the cache
