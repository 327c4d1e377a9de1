"""Models of the enterprises app."""

from .enterprise import Contact, Enterprise, EnterpriseName, IndustryCode, Product
from .figures import SupplyTie, YearlyFigure
from .places import InnovationPlatform, Park
from .resolution import NameReview

__all__ = ["Contact", "Enterprise", "EnterpriseName", "IndustryCode", "InnovationPlatform",
           "NameReview", "Park", "Product", "SupplyTie", "YearlyFigure"]
