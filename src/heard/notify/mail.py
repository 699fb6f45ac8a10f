"""Plain-text e-mail through an SMTP server (STARTTLS and login when configured), one try per call.

A connection error, a timeout or an SMTP 4xx reply is worth another try later; a 5xx reply (a recipient or
sender refused, a login refused) and a server that cannot do what the settings ask are refusals.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from heard.errors import BadInput
from heard.notify.result import SendResult


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "heard@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_s: float = 10.0


def smtp_settings(url: str, sender: str) -> SmtpSettings:
    """smtp://user:password@host:port (smtp+starttls:// to upgrade the connection)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+starttls") or not parts.hostname:
        raise BadInput(f"HEARD_SMTP_URL must look like smtp://host:port, not {url!r}")
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or 25,
        sender=sender,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=parts.scheme == "smtp+starttls",
    )


class EmailSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    def send(self, to: str, subject: str, text: str) -> SendResult:
        s = self._settings
        message = EmailMessage()
        message["From"] = s.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout_s) as smtp:
                if s.starttls:
                    smtp.starttls()
                if s.username and s.password:
                    smtp.login(s.username, s.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            return _by_code(min(codes, default=550), f"{type(exc).__name__}: {exc}")
        except smtplib.SMTPResponseException as exc:
            return _by_code(exc.smtp_code, f"{type(exc).__name__}: {exc}")
        except smtplib.SMTPNotSupportedError as exc:
            return SendResult.refused(f"{type(exc).__name__}: {exc}")
        except (OSError, smtplib.SMTPException) as exc:
            return SendResult.retryable(f"{type(exc).__name__}: {exc}")
        return SendResult.delivered()


def _by_code(code: int, error: str) -> SendResult:
    return SendResult.refused(error) if code >= 500 else SendResult.retryable(error)
