"""Each record type's fields, declared once (see `sanjin_shared.declaration`): one module per
intake service, beside the events that carry their state (`sanjin_shared.events`)."""
