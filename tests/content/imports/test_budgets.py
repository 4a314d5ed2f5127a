"""The readers' budgets (content/imports/budgets.py): hostile files are refused with an error
naming the limit, before the parser builds anything, and no input crashes the process."""

import io
import json
import subprocess
import sys
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

from content.imports.budgets import JsonGuard, Limits, XmlGuard
from content.imports.feeds import run_feed
from content.imports.reading import (
    XML_NAMES,
    ImportFileError,
    csv_records,
    json_records,
    xml_records,
)
from content.models import FeedFormat, JobFeed
from tests.content.factories import InstitutionFactory
from tests.content.imports.feed_server import Response, feed_server

SMALL = Limits(
    depth=8, number_chars=20, field_bytes=200, record_bytes=1000, record_values=50, records=5
)


def read_json(data: bytes, limits=SMALL) -> list:
    return [record.data for record in json_records(io.BytesIO(data), limits)]


def read_csv(text: str, limits=SMALL) -> list:
    return [record.data for record in csv_records(io.StringIO(text), None, limits)]


def read_xml(data: bytes, limits=SMALL) -> list:
    return [record.data for record in xml_records(io.BytesIO(data), XML_NAMES, limits)]


@pytest.mark.parametrize(
    "data, setting",
    [
        (b"[" * 30_000, "IMPORT_MAX_DEPTH"),
        (b'{"@graph": [' + b"[" * 30_000, "IMPORT_MAX_DEPTH"),
        (b'[{"salary_min": ' + b"1" * 5000 + b"}]", "IMPORT_MAX_NUMBER_CHARS"),
        (b'[{"salary_min": 1.' + b"0" * 5000 + b"}]", "IMPORT_MAX_NUMBER_CHARS"),
        (b'[{"title": "' + b"x" * 5000 + b'"}]', "IMPORT_MAX_FIELD_BYTES"),
        (b'[{"' + b"k" * 5000 + b'": 1}]', "IMPORT_MAX_FIELD_BYTES"),
        (b'[{"title": "' + b'\\"' * 3000 + b'"}]', "IMPORT_MAX_FIELD_BYTES"),
        (json.dumps([{f"k{n}": "x" * 150 for n in range(20)}]).encode(), "RECORD_BYTES"),
        (json.dumps([{f"k{n}": 1 for n in range(100)}]).encode(), "RECORD_VALUES"),
        (json.dumps([{"title": n} for n in range(6)]).encode(), "IMPORT_MAX_RECORDS"),
        (json.dumps({"title": "x" * 150, "a": ["y" * 150] * 10}).encode(), "RECORD_BYTES"),
    ],
    ids=[
        "nested-arrays",
        "nested-in-graph",
        "long-integer",
        "long-decimal",
        "long-string",
        "long-key",
        "escapes",
        "record-bytes",
        "record-values",
        "records",
        "one-object",
    ],
)
def test_hostile_json_is_refused_naming_the_limit(data, setting):
    with pytest.raises(ImportFileError, match=setting):
        read_json(data)


def test_json_within_the_limits_reads_as_before():
    items = [{"title": 'a "quoted" \\ title', "salary_min": 12345.5, "disciplines": ["x"]}] * 5
    assert read_json(json.dumps(items).encode()) == items
    graph = {"@context": "https://schema.org", "@graph": items[:2], "other": [[[1]]]}
    assert read_json(json.dumps(graph).encode()) == items[:2]
    assert read_json(json.dumps(items[0]).encode()) == [items[0]]


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_the_json_guard_holds_across_chunk_boundaries(size):
    valid = json.dumps([{"t": 'e\\s"c' * 10, "n": -1.25e10, "b": [True, None]}] * 3).encode()
    guard = JsonGuard(io.BytesIO(valid), SMALL)
    assert b"".join(iter(lambda: guard.read(size), b"")) == valid
    for hostile in (b"[" + b"9" * 21 + b"]", b'["' + b"\\n" * 101 + b'"]', b"[" * 9):
        guard = JsonGuard(io.BytesIO(hostile), SMALL)
        while guard.read(size):  # past the limit the stream ends, and check() says why
            pass
        with pytest.raises(ValueError, match="IMPORT_MAX"):
            guard.check()


@pytest.mark.parametrize(
    "data", [b"[" * 30_000, b"[" + b"1" * 5000 + b"]", b'{"a": ' + b"9" * 100_000 + b"}"]
)
def test_no_json_input_crashes_the_process(tmp_path, data):
    """The inputs that segfaulted ijson's C backend or used gigabytes, read by a child
    process at the default settings: it exits normally with the error."""
    path = tmp_path / "hostile.json"
    path.write_bytes(data)
    code = (
        "import django, sys; django.setup()\n"
        "from content.imports.reading import read_records, ImportFileError\n"
        "try:\n    list(read_records(sys.argv[1]))\n"
        "except ImportFileError as err:\n    print(err)\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert "IMPORT_MAX_" in child.stdout


@pytest.mark.parametrize(
    "text, setting",
    [
        ("title,reference\n" + "x" * 300 + ",r1\n", "IMPORT_MAX_FIELD_BYTES"),
        ('title,reference\n"' + "x\n" * 150 + '",r1\n', "IMPORT_MAX_FIELD_BYTES"),
        ("title,reference\n" + "a," * 600, "IMPORT_MAX_RECORD_BYTES"),
        ("title,reference\n" + "t,r\n" * 6, "IMPORT_MAX_RECORDS"),
        (",".join(["title"] * 60) + "\n", "IMPORT_MAX_RECORD_VALUES"),
    ],
    ids=["long-field", "long-quoted-field", "long-line", "records", "columns"],
)
def test_hostile_csv_is_refused_naming_the_limit(text, setting):
    with pytest.raises(ImportFileError, match=setting):
        read_csv(text)


def test_csv_within_the_limits_reads_as_before():
    assert read_csv('title,reference\n"a, b",r1\n') == [{"title": "a, b", "reference": "r1"}]


JOB = b"<job><title>T</title><referencenumber>R1</referencenumber></job>"


@pytest.mark.parametrize(
    "data, setting",
    [
        (b"<a>" * 30_000, "IMPORT_MAX_DEPTH"),
        (b"<source><job><title>" + b"x" * 500 + b"</title></job></source>", "FIELD_BYTES"),
        (b'<source a="' + b"x>" * 300 + b'">' + JOB + b"</source>", "IMPORT_MAX_FIELD_BYTES"),
        (b"<source><!--" + b"<x>" * 300 + b"-->" + JOB + b"</source>", "FIELD_BYTES"),
        (b"<source><?pi " + b"<x>" * 300 + b"?>" + JOB + b"</source>", "FIELD_BYTES"),
        (b"<source><" + b"x" * 500 + b"/>" + JOB + b"</source>", "IMPORT_MAX_FIELD_BYTES"),
        (b"<source><job>" + b"<t>x</t>" * 60 + b"</job></source>", "IMPORT_MAX_RECORD_VALUES"),
        (
            b"<source><job>" + (b"<t>" + b"x" * 150 + b"</t>") * 10 + b"</job></source>",
            "IMPORT_MAX_RECORD_BYTES",
        ),
        (b"<source>" + JOB * 6 + b"</source>", "IMPORT_MAX_RECORDS"),
    ],
    ids=[
        "nested",
        "long-text",
        "long-attribute",
        "long-comment",
        "long-pi",
        "long-name",
        "record-values",
        "record-bytes",
        "records",
    ],
)
def test_hostile_xml_is_refused_naming_the_limit(data, setting):
    with pytest.raises(ImportFileError, match=setting):
        read_xml(data)


def test_xml_within_the_limits_reads_as_before():
    data = (
        b'<?xml version="1.0"?><source a="x>y"><!-- a > b --><meta><x/></meta>'
        b"<job><title><![CDATA[A <b>bold</b> title]]></title><category>a</category>"
        b"<category>b</category></job></source>"
    )
    assert read_xml(data) == [{"title": "A <b>bold</b> title", "disciplines": "a;b"}]


@pytest.mark.parametrize("size", [1, 2, 5, 9, 13])
def test_the_xml_guard_holds_across_chunk_boundaries(size):
    valid = (
        b'<?xml version="1.0"?><s a=\'>\' b="<>"><!-- - -> --><![CDATA[ ]] > ]]>'
        b"<?pi ? > ?><job><t>" + b"x" * 150 + b"</t></job></s>"
    )
    guard = XmlGuard(io.BytesIO(valid), SMALL)
    assert b"".join(iter(lambda: guard.read(size), b"")) == valid
    for hostile in (b"<s><!--" + b"-" * 300 + b"-->", b'<s a="' + b">" * 300 + b'"/>'):
        guard = XmlGuard(io.BytesIO(hostile), SMALL)
        while guard.read(size):
            pass
        with pytest.raises(ValueError, match="IMPORT_MAX_FIELD_BYTES"):
            guard.check()


def test_xml_memory_stays_flat_with_other_elements():
    """4 MB of elements that are not <job>s, around one job: what the reader holds does not
    grow with them (ElementTree's iterparse kept them all)."""
    filler = b"<item><name>filler</name><n>1</n></item>" * 50_000
    data = b"<source>" + filler + JOB + filler + b"</source>"
    tracemalloc.start()
    try:
        records = read_xml(data, Limits(32, 64, 10_000, 100_000, 1000, 100))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(data) > 4_000_000
    assert records == [{"title": "T", "reference": "R1"}]
    assert peak < 2_000_000


@pytest.mark.django_db
def test_a_hostile_feed_fails_its_run_with_the_limit_named(settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = True  # the server listens on 127.0.0.1
    oxford = InstitutionFactory(slug="oxford")
    with feed_server() as server:
        server.routes["/deep.json"] = Response(b"[" * 30_000)
        server.routes["/deep.xml"] = Response(b"<a>" * 30_000)
        for path, kind in (("/deep.json", FeedFormat.JSON_LD), ("/deep.xml", FeedFormat.XML)):
            feed = JobFeed.objects.create(
                institution=oxford, name=path, url=server.url(path), format=kind
            )
            run = run_feed(feed)
            assert run.status == "FAILED"
            assert "IMPORT_MAX_DEPTH = 32" in run.error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data",
    [
        ("deep.json", b"[" * 30_000),
        ("long.json", b'[{"salary_min": ' + b"1" * 5000 + b"}]"),
        ("deep.xml", b"<a>" * 30_000),
    ],
)
def test_import_jobs_refuses_hostile_files_with_the_limit_named(tmp_path, job_index, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError, match="IMPORT_MAX_"):
        call_command("import_jobs", str(path), verbosity=0)
