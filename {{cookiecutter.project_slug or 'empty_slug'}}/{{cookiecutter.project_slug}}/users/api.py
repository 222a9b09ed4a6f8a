"""Thin API views: they translate HTTP to model calls and back."""

from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from .current import current_user
from .models import User
from .serializers import UserSerializer


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
            user = serializer.save()
        return Response(self.get_serializer(user).data)
