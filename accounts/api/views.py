from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import LoginSerializer, TokenSerializer, UserSerializer


class LoginView(APIView):
    """Exchange a username and password for a knox token (hashed at rest, revocable)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "login"

    def get_authenticate_header(self, request):
        # No authenticator runs here, and without a WWW-Authenticate challenge DRF would turn
        # a failed login into a 403; the contract says a wrong password is a 401.
        return "Token"

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Passing the request lets django-axes count failures per username and IP.
        user = authenticate(request=request._request, **serializer.validated_data)
        if getattr(request._request, "axes_locked_out", False):
            # django-axes flags the lockout for its middleware, which would answer with a plain
            # text page; answer in the contract's error format (429 `throttled`) instead.
            request._request.axes_locked_out = False
            cool_off = get_cool_off(request._request)
            raise Throttled(
                wait=cool_off.total_seconds() if cool_off else None,
                detail=_(
                    "Too many failed sign-ins for this account from this address; "
                    "the account is locked for a while."
                ),
            )
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("The username or password is incorrect."))
        instance, token = AuthToken.objects.create(user)
        # As django.contrib.auth.login() and knox's own LoginView do: updates last_login and
        # lets django-axes reset the failure count (AXES_RESET_ON_SUCCESS) and log the access.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(
            {"token": token, "expiry": instance.expiry, "user": UserSerializer(user).data},
            status=status.HTTP_200_OK,
        )


class LogoutView(KnoxLogoutView):
    """Revoke the token used for this request."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)
