"""Single-line text: what every title, name, city, reference, email and key name must be.

A line break or another control character in such a field ends up in places that give it a
meaning: an email header (a digest's subject, a From name), a CSV export, a log line, a
`<title>`. Every model field of that kind carries `validate_single_line`, and the page
models check `title` and `seo_title` (Wagtail's own fields) in `clean`, so the admin forms,
the GraphQL mutations and the importer, which all validate through the model, refuse them.
"""

import re

from django.core.exceptions import ValidationError

# C0 controls (CR, LF, TAB, NUL, ...), DEL, C1 controls (NEL U+0085 among them), and the
# Unicode line and paragraph separators, which JavaScript and some mail clients treat as
# line breaks.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def validate_single_line(value) -> None:
    found = CONTROL_CHARACTERS.search(str(value or ""))
    if found:
        raise ValidationError(
            "Use a single line of text: line breaks, tabs and other control characters "
            "(here U+%(code)04X) are not allowed.",
            code="control_character",
            params={"code": ord(found.group())},
        )


def single_line_errors(instance, names) -> dict[str, list[str]]:
    """Field errors for those of `names` (attributes of `instance`) that are not one line."""
    errors = {}
    for name in names:
        try:
            validate_single_line(getattr(instance, name, ""))
        except ValidationError as err:
            errors[name] = err.messages
    return errors
