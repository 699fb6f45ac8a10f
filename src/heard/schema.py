"""Every table Heard has, gathered from the features that own them (for migrations and schema checks)."""

from __future__ import annotations

from sqlalchemy import MetaData

from heard.accounts import models as _accounts
from heard.alerts import models as _alerts
from heard.audit import models as _audit
from heard.brands import models as _brands
from heard.channels import models as _channels
from heard.conversations import models as _conversations
from heard.db.base import Base
from heard.hooks import models as _hooks
from heard.inbox import checkins as _checkins
from heard.inbox import models as _inbox
from heard.inbox import routing as _routing
from heard.inbox import saved_replies as _saved_replies
from heard.inbox import views as _views
from heard.incidents import models as _incidents
from heard.ingest import models as _ingest
from heard.knowledge import models as _knowledge
from heard.rules import models as _rules
from heard.stream import sql_log as _sql_log

MODEL_MODULES = (
    _accounts,
    _alerts,
    _brands,
    _audit,
    _channels,
    _checkins,
    _conversations,
    _hooks,
    _inbox,
    _incidents,
    _ingest,
    _knowledge,
    _routing,
    _rules,
    _saved_replies,
    _views,
    _sql_log,
)


def metadata() -> MetaData:
    return Base.metadata
