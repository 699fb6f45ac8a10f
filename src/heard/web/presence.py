"""The presence feed of one agent on one conversation page (what heard.web.sse.event_stream drives)."""

from __future__ import annotations

from jinja2 import Environment

from heard.accounts.agents import AgentIdentity
from heard.app import Runtime
from heard.inbox.presence import colleagues_on, leave, mark_viewing
from heard.web.page_cache import shows_on_no_page


class ConversationPresence:
    """Heartbeats for `me` on a conversation, and the collision warning about everyone else there."""

    def __init__(self, runtime: Runtime, templates: Environment, conversation_id: int, me: AgentIdentity) -> None:
        self.runtime = runtime
        self.templates = templates
        self.conversation_id = conversation_id
        self.me = me

    def beat(self) -> None:
        with self.runtime.sessions.begin() as session:
            shows_on_no_page(session)
            mark_viewing(session, self.conversation_id, self.me.id, self.runtime.clock.now())

    def snapshot(self) -> str:
        with self.runtime.sessions() as session:
            others = colleagues_on(session, self.conversation_id, self.me.id, self.runtime.clock.now())
        return self.templates.get_template("presence.html").render(colleagues=others)

    def leave(self) -> None:
        with self.runtime.sessions.begin() as session:
            shows_on_no_page(session)
            leave(session, self.conversation_id, self.me.id)
