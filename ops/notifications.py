"""Outgoing messages. Each is sent by a Huey task after the surrounding transaction commits."""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from ops import tasks


def queue_email(message: EmailMessage) -> None:
    html = None
    if isinstance(message, EmailMultiAlternatives):
        html = next((body for body, kind in message.alternatives if kind == "text/html"), None)
    fields = {
        "subject": message.subject,
        "body": message.body,
        "to": list(message.to),
        "from_email": message.from_email,
        "html": html,
    }
    transaction.on_commit(lambda: tasks.send_email(**fields))
