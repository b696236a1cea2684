"""A step form none of whose fields was answered (the JSON API's partner fields, an address left
out) is bound and validated once per tenant and door, and gives what binding it each time gave."""

import pytest
from werkzeug.datastructures import MultiDict

from webapp.forms import STEPS
from webapp.registration import rules
from webapp.registration.policy import POLICIES


@pytest.mark.parametrize("door", sorted(POLICIES))
@pytest.mark.parametrize("step", [*STEPS, "partner"])
def test_an_unanswered_step_gives_what_binding_it_gives(app, door, step):
    from webapp.tenants import registry

    answers = MultiDict({"somethingElse": "x"})
    with app.test_request_context():
        tenant = registry().default
        policy = rules.policy_of(door)
        form = rules._bind(tenant, step, answers, policy, tenant.default_country)
        form.validate()
        for _ in range(2):  # the first binds, the second remembers
            data, faults = rules._checked(tenant, step, answers, policy)
            assert data == form.data
            assert [(f.code, f.field, f.detail) for f in faults] == [
                (f.code, f.field, f.detail) for f in rules._form_faults(form)
            ]


def test_what_is_remembered_is_not_shared_with_the_caller(app):
    from webapp.tenants import registry

    with app.test_request_context():
        tenant, policy = registry().default, rules.policy_of("api")
        data, faults = rules._checked(tenant, "consents", MultiDict(), policy)
        data["consentIds"].append("terms")
        faults.append("changed")
        again, faults_again = rules._checked(tenant, "consents", MultiDict(), policy)
        assert again["consentIds"] == [] and "changed" not in faults_again
