"""The importable kinds, in the order a city loads them."""

from .communities import CommunitiesKind
from .fair import FairKind
from .needs import NeedsKind
from .offerings import OfferingsKind
from .orgs import OrgsKind, WorkersKind
from .regions import RegionsKind
from .resources import ResourcesKind

KINDS = {
    kind.key: kind
    for kind in (
        RegionsKind(),
        CommunitiesKind(),
        OrgsKind(),
        WorkersKind(),
        NeedsKind(),
        OfferingsKind(),
        ResourcesKind(),
        FairKind(),
    )
}
