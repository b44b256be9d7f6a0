import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.services import webhook_process, webhook_store
from billing.webhooks import InvalidWebhook, verify

logger = logging.getLogger(__name__)


@csrf_exempt  # a provider's server posts here; the Standard Webhooks signature is the check
@require_POST
def dodo_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = verify(request.body, dict(request.headers))
    except InvalidWebhook as error:
        logger.info("webhook refused: %s", error)
        return HttpResponseBadRequest("Invalid webhook.")
    stored, _ = webhook_store(
        webhook_id=request.headers["webhook-id"], event=event, body=request.body.decode()
    )
    # A database error from here on answers 500 and rolls the processing back: the provider
    # retries, and the stored event is applied then.
    webhook_process(event_id=stored.pk)
    return HttpResponse(status=204)
