"""Job alerts over GraphQL: thin resolvers over notifications.services.

No subscriber data is reachable without that subscriber's signed token, and the
subscribe answer never says whether an address is known."""

import graphene
from graphql import GraphQLError

from cms.graphql.jobs.filters import RemotePolicy
from cms.graphql.taxonomy.types import Discipline, Role
from notifications import services
from notifications.models import Frequency
from notifications.tokens import InvalidToken, manage_token

AlertFrequency = graphene.Enum(
    "AlertFrequency",
    [(value, value) for value in Frequency.values],
    description="How often an alert's digest is sent.",
)


def _value(enum_or_value):
    """graphene 3 hands resolvers enum members; services want the plain value."""
    return getattr(enum_or_value, "value", enum_or_value)


class JobAlertInput(graphene.InputObjectType):
    disciplines = graphene.List(graphene.NonNull(graphene.String), description="Slugs.")
    roles = graphene.List(graphene.NonNull(graphene.String), description="Slugs.")
    countries = graphene.List(graphene.NonNull(graphene.String), description="ISO codes.")
    keywords = graphene.List(graphene.NonNull(graphene.String))
    remote = RemotePolicy()
    frequency = AlertFrequency(required=True)


def _alert_args(alert: JobAlertInput) -> dict:
    return {
        "frequency": _value(alert.frequency),
        "disciplines": alert.get("disciplines"),
        "roles": alert.get("roles"),
        "countries": alert.get("countries"),
        "keywords": alert.get("keywords"),
        "remote": _value(alert.get("remote")),
    }


class JobAlert(graphene.ObjectType):
    id = graphene.ID(required=True)
    frequency = AlertFrequency(required=True)
    disciplines = graphene.List(graphene.NonNull(Discipline), required=True)
    roles = graphene.List(graphene.NonNull(Role), required=True)
    countries = graphene.List(graphene.NonNull(graphene.String), required=True)
    keywords = graphene.List(graphene.NonNull(graphene.String), required=True)
    remote = RemotePolicy()
    active = graphene.Boolean(
        required=True, description="False until the alert is confirmed by email."
    )
    created_at = graphene.DateTime(required=True)

    def resolve_disciplines(alert, info):
        return alert.disciplines.all()

    def resolve_roles(alert, info):
        return alert.roles.all()

    def resolve_countries(alert, info):
        return alert.country_list

    def resolve_keywords(alert, info):
        return [row.keyword for row in alert.keyword_rows.all()]

    def resolve_remote(alert, info):
        return alert.remote or None

    def resolve_active(alert, info):
        return alert.active_since is not None


class Subscriber(graphene.ObjectType):
    email = graphene.String(required=True)
    status = graphene.String(required=True, description="pending, confirmed, unsubscribed...")
    alerts = graphene.List(graphene.NonNull(JobAlert), required=True)

    def resolve_alerts(subscriber, info):
        return services.alerts_of(subscriber)


class SubscribeResult(graphene.ObjectType):
    ok = graphene.Boolean(required=True)
    message = graphene.String(required=True)


class ConfirmResult(graphene.ObjectType):
    ok = graphene.Boolean(required=True)
    message = graphene.String(required=True)
    token = graphene.String(description="The manage token, for `subscription` and alert edits.")


class AlertResult(graphene.ObjectType):
    ok = graphene.Boolean(required=True)
    message = graphene.String(required=True)
    alert = graphene.Field(JobAlert)


def _client_error(err: Exception) -> GraphQLError:
    return GraphQLError(str(err), extensions={"code": type(err).__name__})


def _call(fn, *args):
    """Run a service; what the caller got wrong becomes a GraphQL error, nothing is written."""
    try:
        return fn(*args)
    except (InvalidToken, services.SubscriptionError) as err:
        raise _client_error(err) from err


class SubscriptionQuery(graphene.ObjectType):
    subscription = graphene.Field(
        Subscriber,
        token=graphene.String(required=True),
        description="The subscriber a manage token belongs to, with their alerts.",
    )

    def resolve_subscription(self, info, token):
        return _call(services.subscriber_for_token, token)


class Subscribe(graphene.Mutation):
    class Arguments:
        email = graphene.String(required=True)
        alert = JobAlertInput(required=True)

    Output = SubscribeResult

    def mutate(self, info, email, alert):
        client_ip = info.context.META.get("REMOTE_ADDR", "unknown")
        message = _call(services.subscribe, email, _alert_args(alert), client_ip)
        return SubscribeResult(ok=True, message=message)


class ConfirmSubscription(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)

    Output = ConfirmResult

    def mutate(self, info, token):
        subscriber = _call(services.confirm, token)
        return ConfirmResult(
            ok=True, message="Your job alert is confirmed.", token=manage_token(subscriber.pk)
        )


class AddAlert(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)
        alert = JobAlertInput(required=True)

    Output = AlertResult

    def mutate(self, info, token, alert):
        saved = _call(services.add_alert, token, _alert_args(alert))
        return AlertResult(ok=True, message="Alert added.", alert=saved)


class UpdateAlert(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)
        id = graphene.ID(required=True)
        alert = JobAlertInput(required=True)

    Output = AlertResult

    def mutate(self, info, token, id, alert):
        saved = _call(services.update_alert, token, id, _alert_args(alert))
        return AlertResult(ok=True, message="Alert updated.", alert=saved)


class DeleteAlert(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)
        id = graphene.ID(required=True)

    Output = AlertResult

    def mutate(self, info, token, id):
        _call(services.delete_alert, token, id)
        return AlertResult(ok=True, message="Alert deleted.")


class Unsubscribe(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)

    Output = SubscribeResult

    def mutate(self, info, token):
        _call(services.unsubscribe, token)
        return SubscribeResult(ok=True, message="You will get no more job alert emails.")


class SubscriptionMutation(graphene.ObjectType):
    subscribe = Subscribe.Field()
    confirm_subscription = ConfirmSubscription.Field()
    add_alert = AddAlert.Field()
    update_alert = UpdateAlert.Field()
    delete_alert = DeleteAlert.Field()
    unsubscribe = Unsubscribe.Field()
