"""Names kept in both interface languages."""

from django.utils.translation import get_language


def bilingual(name: str, name_en: str) -> str:
    """The English name when the interface is English and one is recorded, else the Chinese."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class BilingualName:
    """Mixin for models with `name` (Chinese) and `name_en`: `display_name` follows the language."""

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)
