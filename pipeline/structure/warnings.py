"""The catalogue of structure warnings: one code and template per rule a document can break."""
from __future__ import annotations

MESSAGES = {
    "W101": "W101 no số/ký hiệu in the header",
    "W102": "W102 số/ký hiệu '{number}' has no number (left blank to fill by hand)",
    "W103": "W103 date '{date}' is not a valid date (month, day or year out of range)",
    "W104": "W104 no place and date line in the header",
    "W105": "W105 type code of '{number}' says {by_code}, the title says {by_title}",
    "W106": "W106 no issuing body found",
    "W107": "W107 no signature block with a signer's name",
    "W108": "W108 no trích yếu (subject)",
    "W109": "W109 no header at all (no issuer, number or date): header fields left empty",
    "W110": "W110 day of the date left blank ('{date}')",
    "W111": "W111 the title says {by_title} but the ký hiệu of '{number}' has no known type code",
}


def warning(code: str, **params: object) -> str:
    return MESSAGES[code].format(**params)
