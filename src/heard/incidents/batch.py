"""Grouping inside the pipeline worker's batch transaction.

The group stage runs before the batch's posts are stored, so the incident ids it picks cannot be written to
`posts.incident_id` yet. `BatchIncidents` opens incidents in the batch's own session and, when that session
commits (the posts are stored by then), links the posts and adds them to their incidents' figures. A batch that fails to
store rolls back: no incident is left behind and no post is linked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import event
from sqlalchemy.orm import Session

from heard.incidents.actions import count_linked, link_posts
from heard.incidents.grouping import GroupingParams
from heard.incidents.matcher import assign_in
from heard.pipeline.group import Embedder, Grouped

_PENDING = "heard.incidents.pending"
_NOW = "heard.incidents.now"


class BatchIncidents:
    """The group stage's IncidentMatcher for the pipeline worker (see the module docstring)."""

    def __init__(
        self, current: Callable[[], Session | None], embedder: Embedder, params: GroupingParams | None = None
    ) -> None:
        self._current = current
        self._embedder = embedder
        self._params = params or GroupingParams()

    def assign(self, vectors: np.ndarray, posts: Sequence[Grouped], now: datetime) -> list[int | None]:
        session = self._current()
        if session is None:
            raise RuntimeError("BatchIncidents used outside a batch transaction")
        chosen = assign_in(session, vectors, posts, self._embedder.name, self._params)
        if _PENDING not in session.info:
            session.info[_PENDING] = {}
            event.listen(session, "before_commit", self._link, once=True)
        session.info[_PENDING].update({p.key: i for p, i in zip(posts, chosen, strict=True) if i is not None})
        session.info[_NOW] = now
        return chosen

    def _link(self, session: Session) -> None:
        pending: dict[str, int] = session.info.pop(_PENDING, {})
        now: datetime = session.info.pop(_NOW)
        if not pending:
            return
        session.flush()
        link_posts(session, pending)
        count_linked(session, pending, self._embedder, now)
