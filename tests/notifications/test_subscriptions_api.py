"""/api/v1/webhooks/: subscriptions written through the notifications service. Not public; a receiver
on a private, loopback or link-local address is a 400 naming ``url``; the secret is never read back."""

import pytest

from notifications.models import WebhookSubscription
from tests.factories import ActorFactory, LocationFactory
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db

WEBHOOKS = "/api/v1/webhooks/"
BODY = {"name": "Newsroom", "url": "https://hooks.example/fogwatch", "secret": "s3cret", "statuses": ["contested"]}


def test_an_editor_subscribes_and_the_secret_is_never_read_back(editor_api, no_private):
    taliban = ActorFactory(name="Taliban")

    response = editor_api.post(WEBHOOKS, {**BODY, "claimant_bloc": taliban.pk}, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    subscription = WebhookSubscription.objects.get()
    assert data["url"] == "https://hooks.example/fogwatch" and data["statuses"] == ["contested"]
    assert data["claimant_bloc"] == {"id": taliban.pk, "slug": taliban.slug, "name": "Taliban"}
    assert data["api_url"].endswith(f"{WEBHOOKS}{subscription.pk}/") and response["Location"] == data["api_url"]
    assert "secret" not in data and subscription.secret == "s3cret"
    assert "secret" not in editor_api.get(WEBHOOKS).json()["results"][0]


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://127.0.0.1:8080/hook", "127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("http://100.64.0.7/hook", "100.64.0.7 is a shared (carrier-grade NAT) address"),
        ("http://[fd00::1]/hook", "fd00::1 is a private address"),
        (
            "http://[::ffff:169.254.169.254]/",
            "::ffff:169.254.169.254 is IPv4-mapped 169.254.169.254, a link-local address",
        ),
        ("http://localhost:8000/", "localhost names this machine"),
    ],
)
def test_a_subscription_to_a_local_address_is_a_400_naming_url(editor_api, no_private, url, why):
    response = editor_api.post(WEBHOOKS, {**BODY, "url": url}, format="json")

    assert response.status_code == 400
    assert response.json() == {"url": [f"Refused: {why}. Webhooks are delivered to public addresses only."]}
    assert not WebhookSubscription.objects.exists()


def test_a_url_written_as_a_number_is_no_url(editor_api, no_private):
    response = editor_api.post(WEBHOOKS, {**BODY, "url": "http://2130706433/hook"}, format="json")

    assert response.status_code == 400 and list(response.json()) == ["url"]


def test_moving_a_subscription_to_a_private_address_is_a_400(editor_api, no_private):
    subscription = WebhookSubscription.objects.create(name="Newsroom", url="https://hooks.example/in", secret="x")

    response = editor_api.patch(f"{WEBHOOKS}{subscription.pk}/", {"url": "http://192.168.0.2/in"}, format="json")

    assert response.status_code == 400 and list(response.json()) == ["url"]
    subscription.refresh_from_db()
    assert subscription.url == "https://hooks.example/in"


def test_with_private_addresses_allowed_a_local_receiver_is_accepted(editor_api, settings):
    settings.FOGWATCH_FETCH_ALLOW_PRIVATE = True

    response = editor_api.post(WEBHOOKS, {**BODY, "url": "http://127.0.0.1:8080/hook"}, format="json")

    assert response.status_code == 201


def test_unknown_statuses_and_schemes_are_400s_naming_the_field(editor_api, no_private):
    assert list(editor_api.post(WEBHOOKS, {**BODY, "statuses": ["burnt"]}, format="json").json()) == ["statuses"]
    response = editor_api.post(WEBHOOKS, {**BODY, "url": "ftp://hooks.example/"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["url"]


def test_subscriptions_are_not_public(api, analyst_api, editor_api, settings):
    settings.FOGWATCH_PUBLIC_READ = True
    subscription = WebhookSubscription.objects.create(name="Newsroom", url="https://hooks.example/in", secret="x")

    assert api.get(WEBHOOKS).status_code in (401, 403)
    assert analyst_api.get(WEBHOOKS).status_code == 403
    assert analyst_api.get(f"{WEBHOOKS}{subscription.pk}/").status_code == 403
    assert analyst_api.post(WEBHOOKS, BODY, format="json").status_code == 403
    assert editor_api.get(f"{WEBHOOKS}{subscription.pk}/").json()["name"] == "Newsroom"


def test_deleting_a_subscription_deletes_its_log(editor_api):
    subscription = WebhookSubscription.objects.create(name="Newsroom", url="https://hooks.example/in", secret="x")
    subscription.deliveries.create(claim_id=1, event_id="e1", payload={})

    assert editor_api.delete(f"{WEBHOOKS}{subscription.pk}/").status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_the_list_runs_the_same_queries_whatever_its_length(editor_api):
    def subscribe(n):
        for i in range(n):
            WebhookSubscription.objects.create(
                name=f"Tool {i}",
                url=f"https://hooks.example/{i}",
                secret="x",
                claimant_bloc=ActorFactory(name=f"Bloc {i}"),
                location=LocationFactory(name=f"Place {i}"),
            )

    subscribe(2)
    queries_for(editor_api, WEBHOOKS)  # the user's permissions are read once, then cached
    few = queries_for(editor_api, WEBHOOKS)
    subscribe(20)
    assert queries_for(editor_api, WEBHOOKS) == few
