"""Two "Create account" posts of one draft at once (a double click landing on two workers): one
customer, and both answers lead to the completion page. The second post is made to arrive just
after the first has stored its customer, the moment that once showed it "username taken"."""

import threading

import sqlalchemy as sa
from sqlalchemy.orm import Session
from wizard_client import Page, Wizard

from webapp.extensions import db
from webapp.models import Customer


def test_both_posts_of_one_draft_reach_the_completion_page(app):
    review = Wizard(app.test_client()).to_review()
    action, data = review.form["action"], review.values
    first_stored, second_done = threading.Event(), threading.Event()
    answers = {}
    first_thread = []

    def pause_after_the_first_commit(session):
        if threading.current_thread() in first_thread and not first_stored.is_set():
            first_stored.set()
            second_done.wait(30)  # the second post runs now, in full

    def post(name):
        answers[name] = app.test_client().post(action, data=data)

    def second():
        first_stored.wait(30)
        post("second")
        second_done.set()

    threads = [threading.Thread(target=post, args=("first",)), threading.Thread(target=second)]
    first_thread.append(threads[0])
    sa.event.listen(Session, "after_commit", pause_after_the_first_commit)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        sa.event.remove(Session, "after_commit", pause_after_the_first_commit)

    assert first_stored.is_set() and second_done.is_set()
    for name in ("first", "second"):
        response = answers[name]
        assert response.status_code == 303, (name, response.get_data(as_text=True)[:500])
        assert response.headers["Location"].split("?")[0].endswith("/done")
    client = app.test_client()
    shown = {
        Page(client.get(answers[name].headers["Location"])).soup.select_one("[data-customer-id]")[
            "data-customer-id"
        ]
        for name in answers
    }
    with app.app_context():
        stored = db.session.execute(sa.select(Customer.id)).scalars().all()
    assert len(stored) == 1 and shown == set(stored)
