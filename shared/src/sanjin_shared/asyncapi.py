"""The AsyncAPI 3 document of the platform's events, generated from the event catalogue.

Every domain topic is a channel, every event type a message of its topic's channel, every
payload the envelope (envelope.py) with the event's schema in `payload`; the schemas are the
catalogue's pydantic models, so the document cannot drift from what is published. Each intake
service sends to its topic (registry.py), the aggregator receives them all; a message the
aggregator cannot apply goes to the topic's dead-letter channel.

`sanjin asyncapi` writes it to docs/asyncapi.json (a test fails when that file is stale), `make
lint` validates it with @asyncapi/cli, and the aggregator serves it at /asyncapi.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from sanjin_shared.events.catalogue import CATALOGUE
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope
from sanjin_shared.registry import AGGREGATOR, INTAKE
from sanjin_shared.topics import CAMPAIGNS, DLQ_SUFFIX, DOMAIN_TOPICS, TopicSpec, dead_letter

VERSION = "1.0.0"
KAFKA_BINDING = "0.5.0"
_REF = "#/components/schemas/{model}"

# the Kafka headers every event carries (EventEnvelope.kafka_headers) and those the dead-letter
# copy adds (consumer.py)
EVENT_HEADERS = {
    "event_id": "The envelope's id (a UUID): consumers apply each event once",
    "event_type": "The event type, e.g. ActivityReported",
    "correlation_id": "The request that caused it (X-Correlation-ID)",
    "producer": "The service that published it",
}
DEAD_LETTER_HEADERS = {
    "dlq_error": "Why the consumer could not apply it",
    "dlq_source_topic": "The topic it was read from",
    "dlq_source_partition": "Its partition there",
    "dlq_source_offset": "Its offset there",
    "dlq_consumer_group": "The consumer group that gave up on it",
    "dlq_time": "When it was dead-lettered (ISO 8601)",
}


def asyncapi_document() -> dict[str, Any]:
    events = sorted(CATALOGUE.values(), key=lambda cls: (cls.topic, cls.event_type))
    models: list[type[BaseModel]] = [EventEnvelope, *events]
    refs, defs = models_json_schema([(cls, "serialization") for cls in models], ref_template=_REF)
    schemas: dict[str, Any] = defs["$defs"]
    envelope = schemas[_name(refs[(EventEnvelope, "serialization")])]
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in DOMAIN_TOPICS:
        on_topic = [cls for cls in events if cls.topic == topic.name]
        if not on_topic:
            continue
        channel = _channel_id(topic)
        for cls in on_topic:
            messages[cls.event_type] = _message(cls, envelope, refs[(cls, "serialization")])
        channels[channel] = {
            "address": topic.name,
            "title": topic.name,
            "description": f"The events of one aggregate kind, keyed by aggregate id (one "
            f"partition per aggregate, in order). Kept {_retention(topic)}.",
            "messages": {
                cls.event_type: {"$ref": f"#/components/messages/{cls.event_type}"}
                for cls in on_topic
            },
            "bindings": {"kafka": _topic_binding(topic)},
        }
        dead = dead_letter(topic)
        channels[f"{channel}DeadLetters"] = {
            "address": dead.name,
            "title": dead.name,
            "description": f"Messages of {topic.name} the aggregator could not apply, as they "
            f"were read, with why. Kept {_retention(dead)}.",
            "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
            "bindings": {"kafka": _topic_binding(dead)},
        }
        producers = [s.name for s in INTAKE if s.topic == topic] or [AGGREGATOR]
        for producer in producers:
            operations[f"{producer}-publishes-{channel}"] = {
                "action": "send",
                "title": f"{producer} publishes to {topic.name}",
                "summary": "Through the transactional outbox: an event is published after the "
                "record that caused it is committed, at least once.",
                "channel": {"$ref": f"#/channels/{channel}"},
            }
        if topic == CAMPAIGNS:
            for service in INTAKE:
                operations[f"{service.name}-follows-{channel}"] = {
                    "action": "receive",
                    "title": f"{service.name} keeps its copy of {topic.name}",
                    "summary": "Read whole at start, then followed: the campaigns every create "
                    "is checked against (sanjin_shared.campaigns).",
                    "channel": {"$ref": f"#/channels/{channel}"},
                }
        if any(s.topic == topic for s in INTAKE) or topic == CAMPAIGNS:
            operations[f"{AGGREGATOR}-consumes-{channel}"] = {
                "action": "receive",
                "title": f"{AGGREGATOR} consumes {topic.name}",
                "summary": "Applied idempotently (by event id and aggregate version) to the "
                "national read models; what cannot be applied is dead-lettered.",
                "channel": {"$ref": f"#/channels/{channel}"},
            }
            operations[f"{AGGREGATOR}-dead-letters-{channel}"] = {
                "action": "send",
                "title": f"{AGGREGATOR} dead-letters to {dead.name}",
                "channel": {"$ref": f"#/channels/{channel}DeadLetters"},
            }
    messages["DeadLetter"] = {
        "name": "DeadLetter",
        "title": "A message the consumer gave up on",
        "summary": "The original key and value (possibly not an envelope at all), its headers, "
        "and the dlq_* headers.",
        "contentType": "application/json",
        "headers": _headers(
            EVENT_HEADERS | DEAD_LETTER_HEADERS, required=list(DEAD_LETTER_HEADERS)
        ),
        "payload": {"description": "The original value, byte for byte"},
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Sanjin domain events",
            "version": VERSION,
            "description": "The events the Sanjin services publish to Kafka: past-tense facts "
            "about one aggregate, each carrying the aggregate's state after the change "
            "(event-carried state transfer), inside one envelope. A consumer that has seen "
            "version n of an aggregate ignores any older or repeated version. Topic names may be "
            "prefixed on a shared broker (SANJIN_TOPIC_PREFIX). The HTTP APIs: docs/api.md.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The local stack's broker (make up); deployments set "
                "SANJIN_KAFKA_BOOTSTRAP",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def write_asyncapi(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(asyncapi_document()), encoding="utf-8")
    return path


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _message(
    cls: type[DomainEvent], envelope: dict[str, Any], ref: dict[str, Any]
) -> dict[str, Any]:
    properties = dict(envelope["properties"])
    properties["type"] = {"const": cls.event_type, "type": "string"}
    properties["version"] = {"const": cls.schema_version, "type": "integer"}
    properties["aggregate_type"] = {"const": cls.aggregate_type, "type": "string"}
    properties["payload"] = ref
    doc = (cls.__doc__ or "").strip()
    message: dict[str, Any] = {
        "name": cls.event_type,
        "title": cls.event_type,
        "contentType": "application/json",
        "headers": _headers(EVENT_HEADERS, required=list(EVENT_HEADERS)),
        "payload": {
            **envelope,
            "title": f"{cls.event_type} v{cls.schema_version}",
            "properties": properties,
        },
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": f"The {cls.aggregate_type}'s id"},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }
    if doc:
        message["summary"] = " ".join(doc.split())
    return message


def _headers(names: dict[str, str], *, required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "properties": {n: {"type": "string", "description": d} for n, d in names.items()},
    }


def _topic_binding(topic: TopicSpec) -> dict[str, Any]:
    return {
        "topic": topic.name,
        "partitions": topic.partitions,
        "topicConfiguration": {
            "cleanup.policy": ["delete"],
            "retention.ms": topic.retention_ms,
        },
        "bindingVersion": KAFKA_BINDING,
    }


def _channel_id(topic: TopicSpec) -> str:
    return topic.name.removeprefix("sanjin.").removesuffix(DLQ_SUFFIX)


def _retention(topic: TopicSpec) -> str:
    if topic.retention_ms < 0:
        return "forever (the log the aggregator replays from)"
    return f"{topic.retention_ms // (24 * 3600 * 1000)} days"


def _name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).rsplit("/", 1)[-1]
