"""Sign in, sign out and the account page. Django's auth views do the work."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeplan.accounts.forms import SignInForm
from safeplan.accounts.roles import user_roles
from safeplan.accounts.selectors import user_agency


class SignInView(auth_views.LoginView):
    """Needs no sign-in itself (Django marks LoginView `login_not_required`)."""

    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only, as Django's LogoutView: a link cannot sign anybody out."""


def account(request: HttpRequest) -> HttpResponse:
    """Who you are signed in as, with which roles."""
    user = request.user
    assert isinstance(user, User)  # LoginRequiredMiddleware let only signed-in users through
    context = {
        "roles": sorted(user_roles(user)),
        "agency": user_agency(user),
        "nav_section": "account",
    }
    return render(request, "accounts/account.html", context)
