"""Conversations: opened by interest, readable by the two parties only, with read state."""

import pytest
from django.urls import reverse

from matchmaking import services
from matchmaking.models import Conversation, Message
from tests import factories as f
from tests.api.conftest import assert_error, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(tree, org):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, title="独居老人助餐服务")
    offering = f.ServiceOfferingFactory(org=org, title="长者助餐配送服务")
    return need, offering


def test_marking_interest_opens_a_conversation(pair, staff_user, login):
    need, offering = pair
    login(staff_user).post(
        reverse("matchmaking:mark-match", args=[need.id, offering.id]), {"status": "interested"}
    )
    conversation = Conversation.objects.get()
    assert (conversation.need, conversation.org, conversation.offering) == (
        need,
        offering.org,
        offering,
    )
    # Interest again from the other side reuses it.
    services.suggestion_set_status(
        actor=f.OrgMemberFactory(org=offering.org).user,
        need=need,
        offering=offering,
        status="interested",
    )
    assert Conversation.objects.count() == 1


def test_only_the_two_parties_read_and_write(pair, staff_user, org_member, district_official):
    need, offering = pair
    conversation = services.conversation_open(actor=staff_user, need=need, org=offering.org)
    url = f"/api/v1/conversations/{conversation.id}/messages/"
    sent = token_client(staff_user).post(url, {"body": "您好，想约时间面谈。"}, format="json")
    assert sent.status_code == 201 and sent.json()["side"] == "community"
    reply = token_client(org_member).post(url, {"body": "好的，周三上午可以。"}, format="json")
    assert reply.json()["side"] == "org"
    # An official of the district and another org's member cannot see it at all.
    assert token_client(district_official).get(url).status_code == 404
    stranger = f.OrgMemberFactory(org=f.SocialOrgFactory()).user
    assert token_client(stranger).get(url).status_code == 404
    assert token_client(stranger).get("/api/v1/conversations/").json()["count"] == 0
    assert token_client(None).get(url).status_code == 401
    assert_error(token_client(staff_user).post(url, {"body": "  "}, format="json"), 400)
    assert_error(token_client(staff_user).post(url, {"body": "长" * 2001}, format="json"), 400)
    assert Message.objects.count() == 2


def test_unread_counts_follow_who_has_read(pair, staff_user, org_member, login):
    need, offering = pair
    conversation = services.conversation_open(actor=staff_user, need=need, org=offering.org)
    services.message_post(actor=staff_user, conversation=conversation, body="第一条")
    services.message_post(actor=staff_user, conversation=conversation, body="第二条")

    def unread(user):
        [row] = token_client(user).get("/api/v1/conversations/").json()["results"]
        return row["unread"]

    assert unread(org_member) == 2
    assert unread(staff_user) == 0  # one's own messages are never unread
    page = login(org_member).get(reverse("matchmaking:conversation-detail", args=[conversation.id]))
    assert page.status_code == 200 and "第二条" in page.content.decode()
    assert unread(org_member) == 0
    services.message_post(actor=org_member, conversation=conversation, body="收到")
    assert unread(staff_user) == 1


def test_pages_show_the_conversation_and_validate_the_message(pair, staff_user, login):
    need, offering = pair
    conversation = services.conversation_open(actor=staff_user, need=need, org=offering.org)
    client = login(staff_user)
    listing = client.get(reverse("matchmaking:conversation-list"))
    assert need.title in listing.content.decode()
    url = reverse("matchmaking:conversation-detail", args=[conversation.id])
    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "请问服务可以覆盖周末吗？"}).status_code == 302
    assert "周末" in client.get(url).content.decode()


def test_nobody_else_can_open_a_conversation(pair, district_official):
    need, offering = pair
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.conversation_open(actor=district_official, need=need, org=offering.org)


def test_a_message_whose_sender_left_shows_no_sender(pair, staff_user, org_member):
    need, offering = pair
    conversation = services.conversation_open(actor=staff_user, need=need, org=offering.org)
    leaver = f.CommunityStaffFactory(community=need.community).user
    services.message_post(actor=leaver, conversation=conversation, body="我下月调岗了")
    leaver.delete()
    url = f"/api/v1/conversations/{conversation.id}/messages/"
    [row] = token_client(org_member).get(url).json()["results"]
    assert row["sender"] is None and row["body"] == "我下月调岗了"
