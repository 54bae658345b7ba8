"""The e-mail to the clinic's inbox: a link to the new request, never health details."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from typing import Optional

from bot.settings import Settings

logger = logging.getLogger(__name__)
_warned_disabled = False

SmtpFactory = Callable[[str, int], smtplib.SMTP]


def build_message(settings: Settings, request_id: int) -> EmailMessage:
    """The notification: which request, where to open it, and nothing a patient said."""
    message = EmailMessage()
    message["Subject"] = f"New consultation request #{request_id}"
    message["From"] = settings.smtp_from or settings.smtp_user or settings.clinic_inbox
    message["To"] = settings.clinic_inbox
    message.set_content(
        f"A new consultation request is waiting for the front desk.\n\n"
        f"Open it (staff login required): {settings.public_base_url}/staff/requests/{request_id}\n\n"
        "For the patient's privacy this e-mail contains no health details.\n"
    )
    return message


def notify_new_request(settings: Settings, request_id: int, smtp_factory: Optional[SmtpFactory] = None) -> bool:
    """Send the notification if SMTP is configured; returns whether an e-mail went out."""
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
                smtp.starttls()
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(build_message(settings, request_id))
        return True
    except (OSError, smtplib.SMTPException) as exc:
        # The request is stored either way; the inbox shows it. Log the kind of failure only.
        logger.warning("could not e-mail the clinic about request %s: %s", request_id, type(exc).__name__)
        return False
