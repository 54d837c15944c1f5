"""GB/T 27922 criteria catalogues: schema, loading and validation (pure Python, no UI)."""

from criteria.catalogue import Catalogue
from criteria.loader import (
    DEFAULT_CATALOGUE,
    CatalogueError,
    CatalogueProblem,
    default_catalogue,
    load_catalogue,
    parse_catalogue,
)
from criteria.schema import CatalogueSpec, Item, Text, Tier, TierScheme

__all__ = [
    "DEFAULT_CATALOGUE",
    "Catalogue",
    "CatalogueError",
    "CatalogueProblem",
    "CatalogueSpec",
    "Item",
    "Text",
    "Tier",
    "TierScheme",
    "default_catalogue",
    "load_catalogue",
    "parse_catalogue",
]
