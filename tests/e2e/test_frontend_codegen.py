"""The frontend's queries are checked against the committed schema.graphql: a query that does
not validate fails codegen, and with it the build, the type check and CI."""

import subprocess

import dev

CODEGEN = [dev.FRONTEND / "node_modules" / ".bin" / "graphql-codegen", "--config", "codegen.ts"]


def codegen() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in CODEGEN],
        cwd=dev.FRONTEND,
        env=dev.node_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_invalid_query_fails_codegen_and_the_committed_ones_pass():
    dev.ensure_frontend()  # node_modules installed
    bad = dev.FRONTEND / "src" / "lib" / "zz_invalid_query_for_test.ts"
    bad.write_text(
        'import { graphql } from "@/gql";\n\n'
        "export const Bad = graphql(`query Bad { jobs { items { noSuchField } } }`);\n"
    )
    try:
        failed = codegen()
    finally:
        bad.unlink()
    assert failed.returncode != 0
    assert "noSuchField" in failed.stdout + failed.stderr
    passed = codegen()
    assert passed.returncode == 0, passed.stdout + passed.stderr
