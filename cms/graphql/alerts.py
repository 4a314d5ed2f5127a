"""Job alerts over GraphQL: thin resolvers over notifications.services.

No subscriber data is reachable without that subscriber's signed token, and the
subscribe answer never says whether an address is known."""

import graphene
from graphql import GraphQLError

from cms.graphql.jobs.filters import RemotePolicy, filter_type
from cms.graphql.taxonomy.types import Discipline, Role
from cms.visitor import vouched_address
from content.job_search import ALERT_FILTERS
from notifications import privacy, services
from notifications.models import Frequency
from notifications.models import Subscriber as SubscriberModel
from notifications.tokens import InvalidToken, manage_token


class AlertFrequency(graphene.Enum):
    """How often an alert's digest is sent."""

    INSTANT = Frequency.INSTANT.value
    DAILY = Frequency.DAILY.value
    WEEKLY = Frequency.WEEKLY.value

    @property
    def description(self):
        return {
            "INSTANT": "Within minutes of a matching job's publication (batched).",
            "DAILY": "Once a day.",
            "WEEKLY": "Once a week.",
        }[self.name]


MANAGE_TOKEN = "The manage token from a digest or confirmation email"


def _value(enum_or_value):
    """graphene 3 hands resolvers enum members; services want the plain value."""
    return getattr(enum_or_value, "value", enum_or_value)


# The job filters alerts take (content.job_search.ALERT_FILTERS), typed and described as
# `jobs` takes them, then the alert's own keywords and frequency.
JobAlertInput = type(
    "JobAlertInput",
    (graphene.InputObjectType,),
    {
        "__doc__": "What an alert matches: empty criteria match everything on that axis.",
        **{
            job_filter.name: graphene.InputField(
                filter_type(job_filter), description=job_filter.description
            )
            for job_filter in ALERT_FILTERS
        },
        "keywords": graphene.List(
            graphene.NonNull(graphene.String),
            description="Words or phrases to look out for: a job matches when any of them "
            "appears in its title, keywords, department or discipline names (not full-text "
            "like `jobs(search:)`; `bayes` matches Bayesian).",
        ),
        "frequency": AlertFrequency(required=True, description="How often to send the digest."),
    },
)


def _alert_args(alert) -> dict:
    return {
        "frequency": _value(alert.frequency),
        "keywords": alert.get("keywords"),
        **{job_filter.name: _value(alert.get(job_filter.name)) for job_filter in ALERT_FILTERS},
    }


class JobAlert(graphene.ObjectType):
    """One set of criteria of a subscriber, with how often its digest is sent."""

    id = graphene.ID(required=True, description="The alert's id.")
    frequency = AlertFrequency(required=True, description="How often its digest is sent.")
    disciplines = graphene.List(
        graphene.NonNull(Discipline), required=True, description="Disciplines it matches."
    )
    roles = graphene.List(graphene.NonNull(Role), required=True, description="Roles it matches.")
    countries = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="ISO codes it matches."
    )
    keywords = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Words it looks for."
    )
    remote = RemotePolicy(description="The remote policy it matches, if any.")
    active = graphene.Boolean(
        required=True, description="False until the alert is confirmed by email."
    )
    paused = graphene.Boolean(required=True, description="True while the alert is paused.")
    created_at = graphene.DateTime(required=True, description="When it was created.")

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

    def resolve_paused(alert, info):
        return alert.paused_at is not None


class Subscriber(graphene.ObjectType):
    """A subscriber, read with their own manage token."""

    email = graphene.String(required=True, description="The subscriber's address.")
    status = graphene.String(required=True, description="pending, confirmed, unsubscribed...")
    alerts = graphene.List(graphene.NonNull(JobAlert), required=True, description="Their alerts.")
    personal_data = graphene.JSONString(
        required=True,
        description="Everything held about the subscriber (docs/privacy.md), to download.",
    )

    def resolve_alerts(subscriber, info):
        return services.alerts_of(subscriber)

    def resolve_personal_data(subscriber, info):
        return privacy.export(subscriber)


class SubscribeResult(graphene.ObjectType):
    """The answer to a sign-up or an unsubscribe: the same whether or not the address is known."""

    ok = graphene.Boolean(required=True, description="Whether the request was taken.")
    message = graphene.String(required=True, description="What to tell the visitor.")


class ConfirmResult(graphene.ObjectType):
    """The answer to a confirmation."""

    ok = graphene.Boolean(required=True, description="Whether the alert is now confirmed.")
    message = graphene.String(required=True, description="What to tell the subscriber.")
    token = graphene.String(description="The manage token, for `subscription` and alert edits.")


class AlertResult(graphene.ObjectType):
    """The answer to a change of an alert."""

    ok = graphene.Boolean(required=True, description="Whether the change was made.")
    message = graphene.String(required=True, description="What to tell the subscriber.")
    alert = graphene.Field(JobAlert, description="The alert as it now is (null once deleted).")


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
        token=graphene.String(required=True, description="A manage token from a digest email."),
        description="The subscriber a manage token belongs to, with their alerts.",
    )

    def resolve_subscription(self, info, token):
        return _call(services.subscriber_for_token, token)


class Subscribe(graphene.Mutation):
    class Arguments:
        email = graphene.String(required=True, description="The address to send alerts to.")
        alert = JobAlertInput(required=True, description="The first alert's criteria.")

    Output = SubscribeResult

    def mutate(self, info, email, alert):
        # The request, for the per-address limit (cms/visitor.py says whose address); a
        # request the frontend vouched for came through its sign-up form.
        method = SubscriberModel.ConsentMethod
        method = method.FORM if vouched_address(info.context) else method.API
        message = _call(services.subscribe, email, _alert_args(alert), info.context, method)
        return SubscribeResult(ok=True, message=message)


class ConfirmSubscription(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True, description="The token of the confirmation link.")

    Output = ConfirmResult

    def mutate(self, info, token):
        subscriber = _call(services.confirm, token)
        return ConfirmResult(
            ok=True, message="Your job alert is confirmed.", token=manage_token(subscriber.pk)
        )


class AddAlert(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True, description=MANAGE_TOKEN)
        alert = JobAlertInput(required=True, description="The alert's criteria.")

    Output = AlertResult

    def mutate(self, info, token, alert):
        saved = _call(services.add_alert, token, _alert_args(alert))
        return AlertResult(ok=True, message="Alert added.", alert=saved)


class UpdateAlert(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True, description=MANAGE_TOKEN)
        id = graphene.ID(required=True, description="The alert's id.")
        alert = JobAlertInput(required=True, description="The alert's new criteria.")

    Output = AlertResult

    def mutate(self, info, token, id, alert):
        saved = _call(services.update_alert, token, id, _alert_args(alert))
        return AlertResult(ok=True, message="Alert updated.", alert=saved)


class DeleteAlert(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True, description=MANAGE_TOKEN)
        id = graphene.ID(required=True, description="The alert's id.")

    Output = AlertResult

    def mutate(self, info, token, id):
        _call(services.delete_alert, token, id)
        return AlertResult(ok=True, message="Alert deleted.")


class Unsubscribe(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True, description=MANAGE_TOKEN + " (of any age)")

    Output = SubscribeResult

    def mutate(self, info, token):
        _call(services.unsubscribe, token)
        return SubscribeResult(ok=True, message="You will get no more job alert emails.")


class EraseSubscription(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True, description=MANAGE_TOKEN)

    Output = SubscribeResult

    def mutate(self, info, token):
        _call(services.erase, token)
        return SubscribeResult(ok=True, message="Your address and alerts are erased.")


class SetAlertPaused(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True, description=MANAGE_TOKEN)
        id = graphene.ID(required=True, description="The alert's id.")
        paused = graphene.Boolean(required=True, description="True to pause, false to resume.")

    Output = AlertResult

    def mutate(self, info, token, id, paused):
        saved = _call(services.set_alert_paused, token, id, paused)
        return AlertResult(
            ok=True, message="Alert paused." if paused else "Alert resumed.", alert=saved
        )


class SubscriptionMutation(graphene.ObjectType):
    subscribe = Subscribe.Field(
        description="Ask for job alerts; a confirmation email is sent (same answer for all)."
    )
    confirm_subscription = ConfirmSubscription.Field(
        description="Confirm an address from its confirmation link (a person's button press)."
    )
    add_alert = AddAlert.Field(description="Add an alert to a subscription.")
    update_alert = UpdateAlert.Field(description="Change an alert's criteria or frequency.")
    set_alert_paused = SetAlertPaused.Field(description="Pause an alert, or resume it from now.")
    delete_alert = DeleteAlert.Field(description="Delete an alert.")
    unsubscribe = Unsubscribe.Field(description="Stop every email to the address at once.")
    erase_subscription = EraseSubscription.Field(
        description="Erase the address, its alerts and its history everywhere (docs/privacy.md)."
    )
