"""The links in emails, working on this service without any frontend."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications import services
from notifications.tokens import InvalidToken


def _page(request, title: str, message: str, status: int = 200, template="base"):
    context = {"title": title, "message": message, "site_name": settings.WAGTAIL_SITE_NAME}
    response = render(request, f"notifications/{template}.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"  # the URL carries a token
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """A GET only asks: mail scanners open every link, and that must not give consent.
    The person's button press (a POST, CSRF-checked) confirms."""
    try:
        if request.method == "GET":
            services.read_confirm_link(token)
            return _page(request, "Confirm your job alert", "", template="confirm")
        services.confirm(token)
    except (InvalidToken, services.SubscriptionError) as err:
        return _page(request, "Link not valid", str(err), status=400)
    return _page(request, "Alert confirmed", "Your job alert is on. Watch your inbox.")


# Mail clients POST the RFC 8058 one-click body without any CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        if request.method == "GET":
            # A GET never unsubscribes: link scanners open every URL in an email.
            services.subscriber_for_token(token, for_unsubscribe=True)
            return _page(request, "Unsubscribe", "", template="unsubscribe")
        services.unsubscribe(token)
    except (InvalidToken, services.SubscriptionError) as err:
        return _page(request, "Link not valid", str(err), status=400)
    return _page(request, "Unsubscribed", "You will get no more job alert emails.")
