"""factory_boy factories that write through the services, so derived fields are always right."""

from datetime import date

import factory

from actors.models import Actor
from actors.services import actor_create
from claims.models import Claim, Conflict, Relation
from claims.services import claim_create, conflict_create, relation_create
from locations.models import Location
from locations.services import location_create
from sources.models import Report, Source
from sources.services import report_create, source_create


class ServiceFactory(factory.Factory):
    """Builds keyword arguments and hands them to a service function."""

    class Meta:
        abstract = True

    service = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.pop("service", None)  # factory_boy treats the class attribute as a declaration too
        return cls.service(**kwargs)


class ActorFactory(ServiceFactory):
    class Meta:
        model = Actor

    service = staticmethod(actor_create)
    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = "armed_group"


class LocationFactory(ServiceFactory):
    class Meta:
        model = Location

    service = staticmethod(location_create)
    name = factory.Sequence(lambda n: f"Place {n}")
    kind = "town"


class SourceFactory(ServiceFactory):
    class Meta:
        model = Source

    service = staticmethod(source_create)
    name = factory.Sequence(lambda n: f"Outlet {n}")
    kind = "independent_media"
    reliability = "B"


class ReportFactory(ServiceFactory):
    class Meta:
        model = Report

    service = staticmethod(report_create)
    source = factory.SubFactory(SourceFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/{n}")


class ClaimFactory(ServiceFactory):
    class Meta:
        model = Claim

    service = staticmethod(claim_create)
    claimant = factory.SubFactory(ActorFactory)
    claimed_on = date(2021, 9, 2)
    kind = "statement"
    summary = factory.Sequence(lambda n: f"Claim number {n} was made.")
    citations = factory.LazyFunction(lambda: [{"report": ReportFactory()}])


class RelationFactory(ServiceFactory):
    class Meta:
        model = Relation

    service = staticmethod(relation_create)
    claim = factory.SubFactory(ClaimFactory)
    target = factory.SubFactory(ClaimFactory)
    stance = "denies"


class ConflictFactory(ServiceFactory):
    class Meta:
        model = Conflict

    service = staticmethod(conflict_create)
    name = factory.Sequence(lambda n: f"Conflict {n}")
    start = date(2021, 8, 15)
