"""Single-line text: what every title, name, city, reference, email and key name must be.

A line break or another control character in such a field ends up in places that give it a
meaning: an email header (a digest's subject, a From name), a CSV export, a log line, a
`<title>`. Every model field of that kind carries `validate_single_line`, and the page
models check `title` and `seo_title` (Wagtail's own fields) in `clean`, so the admin forms,
the GraphQL mutations and the importer, which all validate through the model, refuse them.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# C0 controls (CR, LF, TAB, NUL, ...), DEL, C1 controls (NEL U+0085 among them), and the
# Unicode line and paragraph separators, which JavaScript and some mail clients treat as
# line breaks.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Format characters (Unicode category Cf) are invisible: bidi overrides and isolates (U+202E
# turns "gpj.exe" into "exe.jpg"), zero-width spaces, the BOM. Zero-width (non-)joiners stay:
# Persian, the Indic scripts and emoji sequences need them, and they reorder nothing.
ALLOWED_FORMAT_CHARACTERS = {"\u200c", "\u200d"}
# An RFC 2047 encoded word: a mail client shows "=?utf-8?b?...?=" in a subject decoded, as
# whatever text the sender encoded.
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bq]\?[^?\s]*\?=", re.IGNORECASE)


def _format_character(text: str) -> str | None:
    if text.isascii():  # no format character is ASCII; most text is (an import's every row)
        return None
    for char in text:
        if unicodedata.category(char) == "Cf" and char not in ALLOWED_FORMAT_CHARACTERS:
            return char
    return None


def validate_single_line(value) -> None:
    text = str(value or "")
    found = CONTROL_CHARACTERS.search(text)
    if found:
        raise ValidationError(
            "Use a single line of text: line breaks, tabs and other control characters "
            "(here U+%(code)04X) are not allowed.",
            code="control_character",
            params={"code": ord(found.group())},
        )
    if (char := _format_character(text)) is not None:
        raise ValidationError(
            "Invisible formatting characters (here U+%(code)04X) are not allowed.",
            code="format_character",
            params={"code": ord(char)},
        )
    if ENCODED_WORD.search(text):
        raise ValidationError(
            "Encoded text such as “=?utf-8?b?…?=” is not allowed; type the text itself.",
            code="encoded_word",
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


_EMAIL_SEPARATORS = re.compile(r"[,;\s]+")


def email_list(value) -> list[str]:
    """The addresses of a list typed one per line or separated by commas (or semicolons)."""
    return [item for item in _EMAIL_SEPARATORS.split(str(value or "")) if item]


def validate_email_list(value) -> None:
    """Every item of `email_list(value)` a valid address, and each one line (for headers)."""
    from django.core.validators import validate_email

    bad = []
    for item in email_list(value):
        try:
            validate_email(item)
            validate_single_line(item)
        except ValidationError:
            bad.append(item)
    if bad:
        raise ValidationError(
            "Not an email address: %(bad)s", code="invalid_email", params={"bad": ", ".join(bad)}
        )
