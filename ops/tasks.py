from django.core.mail import EmailMultiAlternatives
from huey.contrib.djhuey import task


@task(retries=3, retry_delay=30)
def send_email(
    *, subject: str, body: str, to: list[str], from_email: str | None, html: str | None
) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
