"""Stage 4b: events — what happened, when, where, by whom, with what — from the mentions in the KB.

One module per concern:
- `vocabulary`: data/events.yml (trigger words, frames, cues, confidence weights), schema-checked;
- `sentence`: a sentence's entities (matched, anaphoric, metonymic), clauses, claimant and figures;
- `roles`: the reports a sentence makes and who plays which role in each;
- `dates`: which date phrase belongs to which report, and what an event's claims settle on;
- `cluster`: which reports tell of one happening;
- `assemble`: one event from its reports: type, roles, date, confidence, title, permanent id;
- `corrections`: editors' fixes from event pages; `control`: who held a place when.
"""

from .control import control_history
from .corrections import apply_corrections
from .extract import extract_events
from .model import Event, Report
from .vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "Event",
    "Report",
    "Vocabulary",
    "apply_corrections",
    "control_history",
    "extract_events",
    "load_vocabulary",
]
