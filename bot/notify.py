"""The e-mail to the clinic's inbox: a link to the new request, never health details."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from typing import Optional

from bot.settings import Settings
from bot.store.requests import URGENT_KIND

logger = logging.getLogger(__name__)
_warned_disabled = False

SmtpFactory = Callable[[str, int], smtplib.SMTP]


# What each kind of request is called in the subject: the kind only, never what the patient said.
SUBJECTS = {
    "consultation": "New consultation request #{id}",
    "message": "New message for the team #{id}",
    "existing_patient": "New request from an existing patient #{id}",
}
URGENT_SUBJECT = "URGENT: request #{id} - please open it on the staff page now"


def build_message(
    settings: Settings, request_id: int, *, urgent: bool = False, kind: str = "consultation"
) -> EmailMessage:
    """The notification: which request, where to open it, and nothing a patient said.

    An urgent one (an after-treatment concern) says URGENT and asks for the staff page now; it names no symptom,
    not even that it follows a treatment: the subject line is seen by whoever sees the inbox.
    """
    link = f"{settings.public_base_url}/staff/requests/{request_id}"
    message = EmailMessage()
    if urgent or kind == URGENT_KIND:
        message["Subject"] = URGENT_SUBJECT.format(id=request_id)
        message["Importance"] = "high"
        message["X-Priority"] = "1"
        intro = "An URGENT request is waiting for the team. Please open it on the staff page now"
    else:
        message["Subject"] = SUBJECTS.get(kind, SUBJECTS["consultation"]).format(id=request_id)
        intro = "A new request is waiting for the front desk.\n\nOpen it"
    message["From"] = settings.smtp_from or settings.smtp_user or settings.clinic_inbox
    message["To"] = settings.clinic_inbox
    message.set_content(
        f"{intro} (staff login required): {link}\n\n"
        "For the patient's privacy this e-mail contains no health details.\n"
    )
    return message


def tls_context() -> ssl.SSLContext:
    """STARTTLS that checks the server's certificate and name (smtplib's default checks neither)."""
    return ssl.create_default_context()


def notify_new_request(
    settings: Settings,
    request_id: int,
    smtp_factory: Optional[SmtpFactory] = None,
    *,
    urgent: bool = False,
    kind: str = "consultation",
) -> bool:
    """Send the notification if SMTP is configured; returns whether an e-mail went out.

    Pass the stored request's `urgent` and `kind` (ConsultationRequest.urgent, .kind).
    """
    global _warned_disabled
    if not settings.smtp_enabled:
        if not _warned_disabled:
            logger.info("SMTP is not configured (SMTP_HOST, CLINIC_INBOX): new requests are not e-mailed.")
            _warned_disabled = True
        return False
    factory = smtp_factory or smtplib.SMTP
    try:
        with factory(settings.smtp_host, settings.smtp_port) as smtp:
            if settings.smtp_user:
                smtp.starttls(context=tls_context())
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(build_message(settings, request_id, urgent=urgent, kind=kind))
        return True
    except (OSError, smtplib.SMTPException) as exc:
        # The request is stored either way; the inbox shows it. Log the kind of failure only.
        logger.warning("could not e-mail the clinic about request %s: %s", request_id, type(exc).__name__)
        return False
