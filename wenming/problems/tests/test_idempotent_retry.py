"""A client that timed out retries its transition with the same Idempotency-Key while the first
request is still running: the retry gets the first request's 200, not the 409 a second run of
the transition would give ("already closed").

PostgreSQL only, in-process threads (the SQLite file race of the same mechanism is in
core/tests/test_idempotency.py).
"""

import threading

import pytest
from django.db import connection

from wenming.conftest import ApiClient
from wenming.core import idempotency
from wenming.problems.services import _common, transitions

from .factories import rectified

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite runs the race on a file"),
]


def test_a_retried_transition_during_the_first_gets_its_answer(cast, monkeypatch):
    problem = rectified(cast)
    inside, twin_waiting = threading.Event(), threading.Event()
    original_lock, original_pause = _common.lock_problem, idempotency._pause

    def lock_and_hold(p):
        locked = original_lock(p)
        inside.set()
        twin_waiting.wait(60)  # the retry arrives while this request still runs
        return locked

    def pause(seconds):
        twin_waiting.set()
        original_pause(seconds)

    monkeypatch.setattr(transitions, "lock_problem", lock_and_hold)
    monkeypatch.setattr(idempotency, "_pause", pause)
    clients = [ApiClient(cast.office), ApiClient(cast.office)]
    path, key = f"problems/{problem.code}/transitions", {"Idempotency-Key": "close-1"}
    answers = [None, None]

    def send(index):
        try:
            if index == 1:
                inside.wait(60)
            answers[index] = clients[index].post(path, {"action": "verify_pass"}, headers=key)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    first, retry = answers
    assert first.status_code == 200, first.content
    assert retry.status_code == 200, retry.content  # 409 before: the problem was closed
    assert retry.json() == first.json() and twin_waiting.is_set()
    assert problem.events.filter(action="verify_pass").count() == 1
