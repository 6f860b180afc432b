"""/spine/v1/subscriptions: a client system's webhooks (the event feed, pushed to its URL).

Register an https:// receiver and get its signing secret once; list, read, pause, resume, redeliver from a
point in the feed, delete. Only client systems (bearer tokens) have subscriptions, and each sees only its
own: another client's subscription id is answered exactly like an id that does not exist."""

import uuid
from urllib.parse import urlsplit

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from maternity.errors import ResourceNotFound
from maternity.models import AccessAction

from ..audit import AuditedViewMixin
from ..context import calling_client, request_actor
from ..models import SpineClient, WebhookSubscription
from ..serializers.record import request_object
from ..serializers.subscriptions import (
    EmptySerializer,
    NewSubscriptionSerializer,
    RedeliverSerializer,
    SubscriptionCreateSerializer,
    SubscriptionSerializer,
    subscription_json,
)
from ..services.subscriptions import (
    subscription_create,
    subscription_delete,
    subscription_pause,
    subscription_redeliver,
    subscription_resume,
)
from .base import BODY_ERRORS, ERRORS

NOT_FOUND = "No webhook subscription with that id."
SUBSCRIPTION_ID = OpenApiParameter("subscription_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def get_subscription_for(client: SpineClient, subscription_id: str) -> WebhookSubscription:
    """The client's own subscription; any other id (another client's, malformed) is not found."""
    try:
        pk = uuid.UUID(subscription_id)
    except ValueError:
        raise ResourceNotFound(NOT_FOUND) from None
    subscription = client.subscriptions.filter(pk=pk).first()  # .client is `client`: no query for it
    if subscription is None:
        raise ResourceNotFound(NOT_FOUND)
    return subscription


def parsed_body(request, serializer_class, client: SpineClient) -> dict:
    serializer = serializer_class(data=request_object(request.data if request.body else {}))
    serializer.context["client"] = client
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SubscriptionAPIView(AuditedViewMixin, GenericAPIView):
    serializer_class = None
    audit_action = AccessAction.SUBSCRIPTION

    def calling_client(self) -> SpineClient:
        """The client system asking (403 for anyone else), recorded as the actor of the audit entry."""
        client = calling_client(self.request)
        self.audit.actor = request_actor(self.request, writing=False, source_system_required=False)
        return client

    def subscription(self, client: SpineClient) -> WebhookSubscription:
        subscription = get_subscription_for(client, self.kwargs["subscription_id"])
        self.audit.detail = f"Subscription {subscription.pk}."
        return subscription


class SubscriptionListView(SubscriptionAPIView):
    @extend_schema(
        operation_id="subscriptions_list",
        summary="Your client system's webhook subscriptions",
        responses={
            200: inline_serializer("SubscriptionList", {"subscriptions": SubscriptionSerializer(many=True)}),
            **ERRORS,
        },
    )
    def get(self, request):
        client = self.calling_client()
        return Response({"subscriptions": [subscription_json(s) for s in client.subscriptions.all()]})

    @extend_schema(
        operation_id="subscriptions_create",
        summary="Register a webhook receiver; the signing secret is in this answer only",
        request=SubscriptionCreateSerializer,
        responses={201: NewSubscriptionSerializer, **BODY_ERRORS},
    )
    def post(self, request):
        client = self.calling_client()
        data = parsed_body(request, SubscriptionCreateSerializer, client)
        new = subscription_create(client=client, **data)
        subscription = new.subscription
        receiver = urlsplit(subscription.url)  # not the path or query: they may hold the receiver's token
        self.audit.detail = (
            f"Subscription {subscription.pk} created for {receiver.scheme}://{receiver.netloc}."
        )
        location = reverse("spine-subscription", kwargs={"subscription_id": subscription.pk})
        return Response(
            {**subscription_json(subscription), "secret": new.secret},
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class SubscriptionView(SubscriptionAPIView):
    @extend_schema(
        operation_id="subscriptions_retrieve",
        summary="One of your webhook subscriptions",
        parameters=[SUBSCRIPTION_ID],
        responses={200: SubscriptionSerializer, **ERRORS},
    )
    def get(self, request, subscription_id):
        return Response(subscription_json(self.subscription(self.calling_client())))

    @extend_schema(
        operation_id="subscriptions_destroy",
        summary="Delete a webhook subscription: nothing more is sent",
        parameters=[SUBSCRIPTION_ID],
        responses={204: None, **ERRORS},
    )
    def delete(self, request, subscription_id):
        subscription = self.subscription(self.calling_client())
        subscription_delete(subscription=subscription)
        self.audit.detail = f"Subscription {subscription_id} deleted."
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriptionStateView(SubscriptionAPIView):
    """POST with no body: one service call that changes the subscription's state (pause or resume)."""

    change = staticmethod(subscription_pause)
    done = ""

    def post(self, request, subscription_id):
        client = self.calling_client()
        subscription = self.subscription(client)
        parsed_body(request, EmptySerializer, client)
        subscription = self.change(subscription=subscription)
        self.audit.detail = f"Subscription {subscription.pk} {self.done}."
        return Response(subscription_json(subscription))


@extend_schema_view(
    post=extend_schema(
        operation_id="subscriptions_pause",
        summary="Pause: nothing is sent, events wait and follow in order after resume",
        parameters=[SUBSCRIPTION_ID],
        request=None,
        responses={200: SubscriptionSerializer, **BODY_ERRORS},
    )
)
class SubscriptionPauseView(SubscriptionStateView):
    change, done = staticmethod(subscription_pause), "paused"


@extend_schema_view(
    post=extend_schema(
        operation_id="subscriptions_resume",
        summary="Resume (also a failing subscription): tried at once, the retry delay reset",
        parameters=[SUBSCRIPTION_ID],
        request=None,
        responses={200: SubscriptionSerializer, **BODY_ERRORS},
    )
)
class SubscriptionResumeView(SubscriptionStateView):
    change, done = staticmethod(subscription_resume), "resumed"


class SubscriptionRedeliverView(SubscriptionAPIView):
    @extend_schema(
        operation_id="subscriptions_redeliver",
        summary="Send again every event after a cursor, from the beginning, or since a time",
        description="Send exactly one of `after`, `start` or `since`. The messages get new webhook-ids; "
        "each event keeps its eventId.",
        parameters=[SUBSCRIPTION_ID],
        request=RedeliverSerializer,
        responses={200: SubscriptionSerializer, **BODY_ERRORS},
    )
    def post(self, request, subscription_id):
        client = self.calling_client()
        subscription = self.subscription(client)
        after = parsed_body(request, RedeliverSerializer, client)["after"]
        subscription = subscription_redeliver(subscription=subscription, after=after)
        self.audit.detail = f"Subscription {subscription.pk} redelivers after position {after}."
        return Response(subscription_json(subscription))
