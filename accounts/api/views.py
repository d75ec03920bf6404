from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import LoginSerializer, TokenSerializer, UserSerializer


class LoginView(APIView):
    """Exchange a username and password for a knox token (hashed at rest, revocable)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Passing the request lets django-axes count failures per username and IP.
        user = authenticate(request=request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("The username or password is incorrect."))
        instance, token = AuthToken.objects.create(user)
        return Response(
            {"token": token, "expiry": instance.expiry, "user": UserSerializer(user).data},
            status=status.HTTP_200_OK,
        )


class LogoutView(KnoxLogoutView):
    """Revoke the token used for this request."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)
