"""Alert e-mail through SMTP, from settings in the environment. A message names the patient by
initials only and links to the portal: nothing clinical leaves the server by mail.

    REHAB_PLANNER_SMTP_HOST      the server (no host: mail waits in the outbox)
    REHAB_PLANNER_SMTP_PORT      default 587 (STARTTLS), 465 for TLS, 25 for none
    REHAB_PLANNER_SMTP_SECURITY  starttls (default), tls or none
    REHAB_PLANNER_SMTP_USER      and REHAB_PLANNER_SMTP_PASSWORD, when the server wants a login
    REHAB_PLANNER_SMTP_SENDER    the From address (default rehab-planner@localhost)
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage

import attrs

from planner.core.exceptions import InputError

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
TIMEOUT_SECONDS = 20


@attrs.frozen
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str

    @classmethod
    def from_environment(cls) -> SmtpSettings | None:
        host = os.environ.get("REHAB_PLANNER_SMTP_HOST", "").strip()
        if not host:
            return None
        security = os.environ.get("REHAB_PLANNER_SMTP_SECURITY", "starttls").strip().lower()
        if security not in SECURITY:
            raise InputError(f"REHAB_PLANNER_SMTP_SECURITY: {security!r} is not one of {', '.join(SECURITY)}")
        port_text = os.environ.get("REHAB_PLANNER_SMTP_PORT", "").strip() or str(DEFAULT_PORTS[security])
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise InputError(f"REHAB_PLANNER_SMTP_PORT: {port_text!r} is not a port number")
        return cls(
            host,
            int(port_text),
            security,
            os.environ.get("REHAB_PLANNER_SMTP_USER", ""),
            os.environ.get("REHAB_PLANNER_SMTP_PASSWORD", ""),
            os.environ.get("REHAB_PLANNER_SMTP_SENDER", "rehab-planner@localhost"),
        )


def send(settings: SmtpSettings, recipient: str, subject: str, body: str) -> None:
    """One message; raises OSError or smtplib.SMTPException when the server does not take it."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, recipient, subject
    message.set_content(body)
    context = ssl.create_default_context()
    if settings.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    with client:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.user:
            client.login(settings.user, settings.password)
        client.send_message(message)
