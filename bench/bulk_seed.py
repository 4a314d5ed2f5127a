"""Many jobs in minutes for bench/scale.py: PostgreSQL's bulk paths, not the product's import.

The product writes a template of jobs first (`seed_demo --jobs N`, the product's own seeding:
Wagtail pages, revisions, search entries, discipline links). `clone_jobs` then repeats that
template with `INSERT ... SELECT` over `generate_series` until the database holds the jobs
asked for. Each copy is a row set the product could have written:

- `wagtailcore_page`: a new id, the next treebeard path under the jobs index (steps after
  the index's last child, in Wagtail's 4-character base-36 steps), depth, `numchild` 0,
  `slug` and `url_path` with a `-c<copy>` suffix (unique among siblings), a new
  `translation_key`, `first_published_at`/`last_published_at` a minute earlier per copy
  (so newest-first pages interleave the copies, as postings of many days would);
  the index's `numchild` grows by the copies;
- `content_jobpostingpage`: the template job's columns (`posted_at` shifted as above);
- `content_jobpostingpage_disciplines`: the template job's links;
- `wagtailsearch_indexentry`: the template job's entry under the new id (the same
  tsvectors: the texts are the template's).

Not copied, since no public query reads them: revisions (`seed_demo`'s bulk jobs have none
either; copies have NULL `latest_revision_id` and `live_revision_id`), log entries and
reference index rows. Foreign keys are not checked while copying
(`session_replication_role = replica`: every key is a template row's), and the secondary
indexes of the four tables are dropped and rebuilt around the copy, as a restore does.
The copies bypass the lifecycle, so bench/scale.py rebuilds the open job counts it keeps
afterwards (`manage.py rebuild_open_counts`).
"""

import time

BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4  # wagtailcore.Page.steplen (treebeard MP_Node)
TABLES = (
    "wagtailcore_page",
    "content_jobpostingpage",
    "content_jobpostingpage_disciplines",
    "wagtailsearch_indexentry",
)


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _insert_select(cursor, table: str, overrides: dict[str, str], source: str) -> int:
    """INSERT INTO table SELECT every column from `source` (aliased t), with overrides."""
    columns = [c for c in _columns(cursor, table) if c in overrides or c != "id"]
    values = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} {source}")
    return cursor.rowcount


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, definition) of the four tables' indexes that back no constraint."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [list(TABLES)],
    )
    return cursor.fetchall()


def clone_jobs(connection, target: int, log=print) -> int:
    """Copy the template jobs until there are `target` jobs; returns how many were added."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM content_jobpostingpage")
        have = cursor.fetchone()[0]
        if have >= target:
            return 0
        cursor.execute(
            "SELECT p.id, p.path, p.depth, p.url_path FROM wagtailcore_page p "
            "JOIN content_jobindexpage i ON i.page_ptr_id = p.id"
        )
        index_id, index_path, index_depth, index_url = cursor.fetchone()
        cursor.execute(
            "SELECT max(right(path, %s)) FROM wagtailcore_page WHERE path LIKE %s AND depth = %s",
            [STEPLEN, index_path + "%", index_depth + 1],
        )
        last_step = int(cursor.fetchone()[0] or "0", 36)
        if last_step + target - have >= 36**STEPLEN:
            raise SystemExit("too many children for one treebeard parent")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # The template: the jobs the product wrote (copies of copies would be the same).
        cursor.execute(
            "CREATE TEMP TABLE bench_template ON COMMIT DROP AS SELECT p.id, "
            "row_number() OVER (ORDER BY p.path) AS n FROM wagtailcore_page p "
            "JOIN content_jobpostingpage j ON j.page_ptr_id = p.id "
            "WHERE p.slug !~ '-c[0-9]+$'"
        )
        cursor.execute("SELECT count(*) FROM bench_template")
        size = cursor.fetchone()[0]
        wanted = target - have
        copies = -(-wanted // size)
        # Which copy of which template job, its new id and its step under the index.
        cursor.execute(
            "CREATE TEMP TABLE bench_copy ON COMMIT DROP AS SELECT t.id AS old_id, c.copy, "
            "nextval(pg_get_serial_sequence('wagtailcore_page', 'id')) AS new_id, "
            "%s + row_number() OVER (ORDER BY c.copy, t.n) AS step "
            "FROM bench_template t CROSS JOIN generate_series(%s, %s) AS c(copy) "
            "ORDER BY c.copy, t.n LIMIT %s",
            [last_step, have // size, have // size + copies - 1, wanted],
        )
        cursor.execute("CREATE INDEX ON bench_copy (old_id)")
        cursor.execute("ANALYZE bench_copy")
        dropped = _secondary_indexes(cursor)
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        digits = " || ".join(
            f"substr('{BASE36}', ((m.step / {36**power}) % 36)::int + 1, 1)"
            for power in range(STEPLEN - 1, -1, -1)
        )
        suffix = "'-c' || m.copy"
        shift = "(m.copy + 1) * interval '1 minute'"
        source = "FROM bench_copy m JOIN {table} t ON t.{key} = m.old_id"
        added = _insert_select(
            cursor,
            "wagtailcore_page",
            {
                "id": "m.new_id",
                "path": f"'{index_path}' || {digits}",
                "numchild": "0",
                "slug": f"t.slug || {suffix}",
                "url_path": f"'{index_url}' || t.slug || {suffix} || '/'",
                "translation_key": "gen_random_uuid()",
                "first_published_at": f"t.first_published_at - {shift}",
                "last_published_at": f"t.last_published_at - {shift}",
                "latest_revision_id": "NULL",
                "live_revision_id": "NULL",
                "latest_revision_created_at": "NULL",
            },
            source.format(table="wagtailcore_page", key="id"),
        )
        _insert_select(
            cursor,
            "content_jobpostingpage",
            {"page_ptr_id": "m.new_id", "posted_at": f"t.posted_at - {shift}"},
            source.format(table="content_jobpostingpage", key="page_ptr_id"),
        )
        _insert_select(
            cursor,
            "content_jobpostingpage_disciplines",
            {"jobpostingpage_id": "m.new_id"},
            source.format(table="content_jobpostingpage_disciplines", key="jobpostingpage_id"),
        )
        _insert_select(
            cursor,
            "wagtailsearch_indexentry",
            {"object_id": "m.new_id::varchar"},
            "FROM bench_copy m JOIN wagtailsearch_indexentry t "
            "ON t.object_id = m.old_id::varchar AND t.content_type_id = "
            "(SELECT content_type_id FROM wagtailcore_page WHERE id = m.old_id)",
        )
        cursor.execute(
            "UPDATE wagtailcore_page SET numchild = numchild + %s WHERE id = %s",
            [added, index_id],
        )
        log(f"copied {added:,} jobs in {time.perf_counter() - started:.0f} s; rebuilding indexes")
        for _name, definition in dropped:
            cursor.execute(definition)
    log(f"cloned to {target:,} jobs in {time.perf_counter() - started:.0f} s")
    return added
