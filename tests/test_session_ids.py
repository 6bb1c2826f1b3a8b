"""Malformed, unknown and other users' session ids all give the one not-found error."""

import uuid

import pytest

from lib.errors import AppError, SessionNotFound
from lib.generate.models import Outline, Theme
from lib.session import Sessions

BAD_IDS = ["", "   ", "not-a-uuid", "1234", "'; drop table content_sessions; --", "<script>x</script>",
           "00000000-0000-0000-0000-00000000000g", None, 42, "\x00"]


@pytest.fixture
def alice(db, user_a):
    return Sessions(db, user_a)


@pytest.fixture
def bob(db, user_b):
    return Sessions(db, user_b)


def assert_not_found(call):
    with pytest.raises(SessionNotFound) as info:
        call()
    assert isinstance(info.value, AppError)
    assert str(info.value) == (
        "This session was not found. Check the link, open History to pick one of your sessions, "
        "or start a new one on Create."
    )


@pytest.mark.parametrize("bad", BAD_IDS)
def test_malformed_ids(alice, bad):
    assert_not_found(lambda: alice.get(bad))
    assert_not_found(lambda: alice.save_draft(bad, "text"))


def test_unknown_id(alice):
    assert_not_found(lambda: alice.get(uuid.uuid4()))
    assert_not_found(lambda: alice.save_themes(str(uuid.uuid4()), []))
    assert_not_found(lambda: alice.delete(uuid.uuid4()))


THEME = Theme(title="x", summary="y", angle="z", key_points=[])
OUTLINE = Outline(structure="x", title="x", hook="y", sections=[], call_to_action="z")


def test_another_users_id_is_not_found_and_untouched(alice, bob):
    sid = alice.create("Alice's notes").id
    before = alice.get(sid)
    for call in [
        lambda: bob.get(sid),
        lambda: bob.get(str(sid).upper()),
        lambda: bob.save_themes(sid, [THEME]),
        lambda: bob.choose_theme(sid, THEME),
        lambda: bob.save_research(sid, THEME, []),
        lambda: bob.keep_research_items(sid, []),
        lambda: bob.save_outline_options(sid, []),
        lambda: bob.choose_outline(sid, 0),
        lambda: bob.save_draft(sid, "x"),
        lambda: bob.save_output(sid, "linkedin", "x"),
        lambda: bob.advance(sid, "completed"),
        lambda: bob.rename(sid, "x"),
        lambda: bob.edit_brain_dump(sid, "x"),
        lambda: bob.edit_draft(sid, "x"),
        lambda: bob.edit_output(sid, "linkedin", "x"),
        lambda: bob.edit_outline(sid, [OUTLINE], 0),
        lambda: bob.restore(sid, "draft", 1),
        lambda: bob.delete(sid),
    ]:
        assert_not_found(call)
    assert alice.get(sid) == before
