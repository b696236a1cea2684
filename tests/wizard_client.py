"""Drive the wizard as a plain HTTP client does: follow each page's post form, its hidden inputs
and the redirects, and nothing else."""

from bs4 import BeautifulSoup
from conftest import STRONG_PASSWORD, unique


def account(**overrides):
    name = unique("wiz")
    return {
        "username": name,
        "email": f"{name}@example.com",
        "password": STRONG_PASSWORD,
        **overrides,
    }


PROFILE = {
    "title": "Ms",
    "forename": "Ada",
    "surname": "Lovelace",
    "dateOfBirth-day": "27",
    "dateOfBirth-month": "3",
    "dateOfBirth-year": "1990",
}
ADDRESS = {
    "addressLine1": "1 High Street",
    "city": "London",
    "postcode": "SW1A 1AA",
    "countryCode": "GB",
}
CONSENTS = {"consentIds": ["terms", "privacy"], "contactMethods": ["email"]}


class Page:
    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        self.soup = BeautifulSoup(self.html, "html.parser")
        self.form = self.soup.find("form", method="post")

    @property
    def path(self):
        request = self.response.request
        return request.path + (f"?{request.query_string.decode()}" if request.query_string else "")

    @property
    def hidden(self):
        return {
            field["name"]: field.get("value", "")
            for field in self.form.find_all("input", type="hidden")
        }

    @property
    def values(self):
        """What a browser would post if nothing were typed: hidden and shown values alike."""
        values = {}
        for field in self.form.find_all(["input", "select"]):
            name = field.get("name")
            if field.get("type") == "checkbox":
                if field.has_attr("checked"):
                    values.setdefault(name, []).append(field["value"])
            elif name:
                values[name] = self.value(name)
        return values

    def value(self, name):
        field = self.form.find(["input", "select"], attrs={"name": name})
        if field.name == "select":
            chosen = field.find("option", selected=True)
            return chosen["value"] if chosen else ""
        return field.get("value", "")

    def errors(self):
        messages = self.soup.select(".field .error-message, .password-feedback .error-message")
        return [p.get_text(" ", strip=True).removeprefix("Error: ") for p in messages]

    def summary(self):
        return [a.get_text(strip=True) for a in self.soup.select(".error-summary a")]


class Wizard:
    def __init__(self, client, start="/register"):
        self.client = client
        self.page = self.open(start)

    def open(self, url):
        self.page = Page(self.client.get(url, follow_redirects=True))
        return self.page

    def submit(self, fields=None, **headers):
        """Post the current page's form as a browser would, with `fields` typed in."""
        data = {**self.page.values, **(fields or {})}
        response = self.client.post(
            self.page.form["action"], data=data, headers=headers, follow_redirects=True
        )
        self.page = Page(response)
        return self.page

    def to_review(self, who=None):
        for fields in (who or account(), PROFILE, ADDRESS, CONSENTS):
            self.submit(fields)
            assert not self.page.errors(), self.page.errors()
        assert self.page.soup.h1.get_text(strip=True) == "Check your answers"
        return self.page

    def complete(self, who=None):
        self.to_review(who)
        return self.submit()
