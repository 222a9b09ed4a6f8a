"""Thin API views: they translate HTTP to model calls and back."""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import TokenAuthentication
from .current import current_user
from .models import User
from .serializers import TokenRequestSerializer, TokenResponseSerializer, UserSerializer
from .token_login import authenticate_for_token


class UserViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[User]):
    """Staff list users; every user reads and updates only their own profile at `me/`."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    permission_classes = [IsAdminUser]
    filterset_fields = ["is_active", "is_staff"]
    ordering_fields = ["date_joined", User.USERNAME_FIELD]

    @action(detail=False, methods=["get", "patch"], permission_classes=[IsAuthenticated])
    def me(self, request: Request) -> Response:
        user = current_user(request)
        if request.method == "PATCH":
            serializer = self.get_serializer(user, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        else:
            serializer = self.get_serializer(user)
        return Response(serializer.data)


class TokenView(APIView):
    """Exchange credentials for a token (django-rest-knox: stored hashed, expiring, revocable)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Wrong credentials or code, or an inactive account"),
            403: OpenApiResponse(description="The account must first complete a step"),
            429: OpenApiResponse(description="Locked out after failed log-ins: see Retry-After"),
        },
    )
    def post(self, request: Request) -> Response:
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate_for_token(request._request, credentials.validated_data)
        token, expiry = user.issue_token()
        user_logged_in.send(sender=User, request=request._request, user=user)  # sets last_login
        return Response(TokenResponseSerializer({"token": token, "expiry": expiry}).data)


class LogoutView(APIView):
    """Revoke the token this request was made with."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Log the current user out everywhere: every token and every browser session."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        current_user(request).log_out_everywhere()
        return Response(status=status.HTTP_204_NO_CONTENT)
