"""`python -m tadmur.mkdocs_serve serve ...`: `mkdocs serve`, told of changes by the operating system.

MkDocs' live reload finds changes by polling: every half second it lists and stats every file under
the folder it serves. The preview copy of a 1,000-article site (`.serve-docs/`, with the search bundle)
holds 14,000 files, and the polling kept a quarter of a core busy all the time; on two cores it slowed
both the regeneration of docs/ and MkDocs' own builds. This runs the same command with watchdog's
native observer (inotify on Linux; watchdog itself falls back to polling where there is none).

Only events that change a file's content start a build: the native observer also reports files being
opened and read, and MkDocs reads every page it builds, which would start the next build. (`tadmur
serve`'s own observer asks for the same events: the build reads every watched file, and each read
was an event for its thread to handle while the build ran.)
"""

from __future__ import annotations

import sys

import watchdog.observers
import watchdog.observers.polling
from mkdocs import __main__ as mkdocs_cli
from watchdog import events

# What changes content (on Linux, the inotify mask asked for: files read make no event at all).
CHANGES = [
    events.FileCreatedEvent,
    events.FileModifiedEvent,
    events.FileMovedEvent,
    events.FileDeletedEvent,
    events.FileClosedEvent,  # closed after writing
    events.DirCreatedEvent,
    events.DirMovedEvent,
    events.DirDeletedEvent,
]


class NotifiedObserver(watchdog.observers.Observer):
    """The platform's observer, passing on content changes only (see the module's note)."""

    def schedule(self, event_handler, path, *, recursive=False, event_filter=None, **options):
        return super().schedule(
            event_handler, path, recursive=recursive, event_filter=event_filter or CHANGES, **options
        )


def main() -> None:
    # MkDocs makes its observer as `watchdog.observers.polling.PollingObserver(timeout=...)`.
    watchdog.observers.polling.PollingObserver = NotifiedObserver
    sys.argv[0] = "mkdocs"
    mkdocs_cli.cli()


if __name__ == "__main__":
    main()
