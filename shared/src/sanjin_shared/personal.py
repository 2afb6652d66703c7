"""Personal data: phone numbers of mainland China and people's names, validated and masked, and
the one rule of who sees them in full (`sees_personal_data`)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

from sanjin_shared.auth import Principal, Role

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


# A person's name: letters of any script (Chinese, Uyghur, Tibetan, Latin...), with the separators
# names use: spaces, the middle dot of transcribed names (买买提·艾力), hyphens, apostrophes, periods.
_NAME_SEPARATORS = frozenset(" ·•.'-’")
MAX_NAME_LENGTH = 50


def normalise_name(value: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if not name:
        raise ValueError("a name is required")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"a name has at most {MAX_NAME_LENGTH} characters")
    for char in name:
        if char in _NAME_SEPARATORS:
            continue
        category = unicodedata.category(char)
        if not (category.startswith("L") or category.startswith("M")):
            raise ValueError("a name has letters and the separators · - ' . only")
    return name


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***, 买买提·艾力 -> 买****, John Smith -> J*********."""
    visible = name[0]
    return visible + "*" * max(len(name) - 1, 1)


PersonName = Annotated[str, AfterValidator(normalise_name)]


def sees_personal_data(
    principal: Principal, province: str, *, collected_for_hq: bool = False
) -> bool:
    """Who sees a province's names and phones in full: that province and admin; hq too where the
    data is collected for headquarters (`collected_for_hq`: the contacts of Attachment 2's
    register); everyone else masked. The role decides, never a claim beside it: a token of
    another role that carries a `province` claim is not that province."""
    if principal.role is Role.admin or (collected_for_hq and principal.role is Role.hq):
        return True
    return principal.role is Role.province and principal.province == province
