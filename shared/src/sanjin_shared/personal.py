"""Personal data: phone numbers of mainland China, validated and masked."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")  # area code, number, extension


def normalise_phone(value: str) -> str:
    """Accept a mainland mobile (13812345678, +86 138 1234 5678) or landline (010-62345678)."""
    compact = re.sub(r"[\s()]", "", value)
    if compact.startswith("+86"):
        compact = compact[3:].lstrip("-")
    elif compact.startswith("0086"):
        compact = compact[4:].lstrip("-")
    if MOBILE.match(compact) or LANDLINE.match(compact):
        return compact
    raise ValueError("not a mainland mobile (11 digits, 1[3-9]…) or landline (0xx-xxxxxxxx) number")


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; 010-62345678 -> 010-****5678."""
    if MOBILE.match(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    head, _, rest = phone.partition("-")
    if rest:
        return f"{head}-****{rest[-4:]}"
    return f"{phone[:4]}****{phone[-4:]}"


PhoneNumber = Annotated[str, AfterValidator(normalise_phone)]
