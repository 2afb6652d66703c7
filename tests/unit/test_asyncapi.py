"""The AsyncAPI document of the events: generated from the catalogue, checked in, served."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sanjin_aggregator.main import CONSUMED_TOPICS
from sanjin_devstack.paths import REPO
from sanjin_shared.apidocs import build
from sanjin_shared.asyncapi import asyncapi_document, render
from sanjin_shared.events.catalogue import CATALOGUE
from sanjin_shared.registry import INTAKE
from sanjin_shared.topics import CAMPAIGNS, DOMAIN_TOPICS, dead_letter


def test_the_checked_in_document_is_current() -> None:
    checked_in = (REPO / "docs" / "asyncapi.json").read_text(encoding="utf-8")
    assert checked_in == render(asyncapi_document()), "run `sanjin asyncapi` (make lint checks it)"


def test_every_topic_event_and_payload_is_in_it() -> None:
    doc = asyncapi_document()
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == {t.name for t in DOMAIN_TOPICS} | {
        dead_letter(t).name for t in DOMAIN_TOPICS
    }
    messages = doc["components"]["messages"]
    for name, cls in CATALOGUE.items():
        payload = messages[name]["payload"]
        assert payload["properties"]["type"]["const"] == name
        assert payload["properties"]["version"]["const"] == cls.schema_version
        ref = payload["properties"]["payload"]["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][ref]
        assert set(schema["properties"]) == set(cls.model_fields)
        channel = next(c for c in doc["channels"].values() if c["address"] == cls.topic)
        assert name in channel["messages"]


def test_the_aggregator_consumes_what_the_intake_services_publish() -> None:
    """The document's receive operations follow the registry; the aggregator's subscription
    must say the same. Campaigns go the other way: the aggregator publishes them, and every
    intake service (and the aggregator's read models) reads them."""
    assert set(CONSUMED_TOPICS) == {s.topic.name for s in INTAKE} | {CAMPAIGNS.name}
    receives = [
        (op["title"].split()[0], op["channel"]["$ref"])
        for op in asyncapi_document()["operations"].values()
        if op["action"] == "receive"
    ]
    assert len({channel for _, channel in receives}) == len(INTAKE) + 1
    campaigns = {who for who, channel in receives if channel == "#/channels/campaigns"}
    assert campaigns == {s.name for s in INTAKE} | {"aggregator"}


def test_the_aggregator_serves_it() -> None:
    response = TestClient(build("aggregator")).get("/asyncapi.json")  # no lifespan needed
    assert response.status_code == 200
    assert response.json() == asyncapi_document()
