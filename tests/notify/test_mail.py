"""E-mail through a real local SMTP server (aiosmtpd), one try per call, and the SMTP URL setting."""

from __future__ import annotations

from email import message_from_bytes

import pytest

from heard.errors import BadInput
from heard.notify.mail import EmailSender, SmtpSettings, smtp_settings
from tests.fakes.smtp_server import free_port, smtp_server


def test_an_email_goes_through_a_local_smtp_server() -> None:
    with smtp_server() as mailbox:
        sender = EmailSender(SmtpSettings(host="127.0.0.1", port=mailbox.port, sender="heard@example.test"))
        result = sender.send("oncall@example.test", "[Heard] Pile-on", "Pile-on on thread:x:1\n- x:1\n")
    assert (result.outcome, result.error) == ("delivered", None)
    [raw] = mailbox.messages
    mail = message_from_bytes(raw)
    assert (mail["From"], mail["To"]) == ("heard@example.test", "oncall@example.test")
    assert mail["Subject"] == "[Heard] Pile-on"
    assert "- x:1" in str(mail.get_payload())


@pytest.mark.parametrize(("reply", "outcome"), [("550 no such user", "refused"), ("450 mailbox busy", "retryable")])
def test_a_refused_recipient_is_final_only_for_a_5xx(reply: str, outcome: str) -> None:
    with smtp_server(refuse_rcpt=reply) as mailbox:
        result = EmailSender(SmtpSettings(host="127.0.0.1", port=mailbox.port)).send("nobody@example.test", "s", "t")
    assert result.outcome == outcome
    assert result.error
    assert reply.split()[0] in result.error
    assert mailbox.messages == []


def test_a_server_that_is_not_there_is_worth_retrying() -> None:
    result = EmailSender(SmtpSettings(host="127.0.0.1", port=free_port(), timeout_s=2)).send("a@b.c", "s", "t")
    assert result.outcome == "retryable"
    assert result.error


def test_starttls_asked_of_a_server_without_it_is_refused() -> None:
    with smtp_server() as mailbox:
        sender = EmailSender(SmtpSettings(host="127.0.0.1", port=mailbox.port, starttls=True))
        result = sender.send("a@b.c", "s", "t")
    assert result.outcome == "refused"
    assert mailbox.messages == []


def test_smtp_url_parsing() -> None:
    parsed = smtp_settings("smtp+starttls://ann%40x:p%3Ass@mail.example:587", "heard@x")
    assert (parsed.host, parsed.port, parsed.username, parsed.password, parsed.starttls, parsed.sender) == (
        "mail.example",
        587,
        "ann@x",
        "p:ss",
        True,
        "heard@x",
    )
    assert smtp_settings("smtp://mail.example", "heard@x").port == 25
    with pytest.raises(BadInput):
        smtp_settings("http://mail", "heard@x")
