"""The committed contract: schema.graphql is the live schema, everything the project defines
carries a description, and the README's examples are named operations that validate."""

import re
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    OperationDefinitionNode,
    parse,
    validate,
)

from cms.graphql.schema import schema
from cms.management.commands.graphql_schema import CONTRACT, live_contract

README = Path(__file__).resolve().parents[2] / "README.md"
SPEC_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def test_committed_schema_is_the_live_one():
    assert CONTRACT.read_text() == live_contract(), "Run `python manage.py graphql_schema`."


def undescribed() -> list[str]:
    missing = []
    for name, type_ in schema.graphql_schema.type_map.items():
        if name.startswith("__") or name in SPEC_SCALARS:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{value}" for value, v in type_.values.items() if not v.description]
    return missing


def test_every_type_field_argument_and_enum_value_is_described():
    assert undescribed() == []


def readme_examples() -> list[str]:
    return re.findall(r"```graphql\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_examples_are_named_operations_that_validate():
    examples = readme_examples()
    assert len(examples) >= 5
    for example in examples:
        document = parse(example)
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        assert len(operations) == 1 and operations[0].name, example
        assert validate(schema.graphql_schema, document) == [], example
