"""Staff log in with a second factor when STAFF_REQUIRE_MFA is on (the production default)."""

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class StaffMFAMiddleware:
    """Staff without an authenticator enrol one; the admin wants a session confirmed with a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # The account pages (config/urls.py: enrolment, the code prompt, log-out) stay open.
        exempt = request.path.startswith("/accounts/") or not settings.STAFF_REQUIRE_MFA
        if exempt or not user.is_authenticated or not user.is_staff:
            return self.get_response(request)
        if not user.has_second_factor():
            messages.warning(request, "Staff accounts need a second factor: set one up.")
            return redirect("mfa_activate_totp")
        # A session not confirmed with a code (a password alone, or enrolment in this very
        # session) stays out of the admin.
        in_admin = request.path.startswith(reverse("admin:index"))
        records = get_authentication_records(request, user)
        if in_admin and not any(record.get("method") == "mfa" for record in records):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)
