"""`flask --app webapp import-loyalty <tenant> <csv>`: the operator's loyalty accounts, which a
customer registering with the same email is linked to (contract section 7).

The CSV has a header row with the columns `email` and `card_number` (others are ignored). Every
row is checked first; one bad row imports nothing. Rows already imported are skipped, so the
same file may be imported again.
"""

import csv
import re

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.forms.rules import email_key
from webapp.models import LoyaltyAccount
from webapp.registration.loyalty import luhn_valid
from webapp.tenants import registry

COLUMNS = ("email", "card_number")
CARD_DIGITS = re.compile(r"[0-9]{8,19}")  # ISO/IEC 7812 card numbers: 8 to 19 digits
EMAIL_MAX = 200


def _row_problem(email, card):
    if not email or len(email) > EMAIL_MAX:
        return f"email must be 1 to {EMAIL_MAX} characters"
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return f"'{email}' is not an email address"
    if not CARD_DIGITS.fullmatch(card):
        return f"card number '{card}' must be 8 to 19 digits"
    if not luhn_valid(card):
        return f"card number '{card}' fails the Luhn check"
    return None


def read_accounts(handle):
    """The file's accounts as [(line, email key, card number)], and its problems ("line 3: ...")."""
    reader = csv.DictReader(handle)
    header = [(name or "").strip().lower() for name in reader.fieldnames or ()]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        return [], [f"line 1: the header lacks the column(s) {', '.join(missing)}"]
    reader.fieldnames = header
    accounts, problems, seen = [], [], {}
    for row in reader:
        email = (row.get("email") or "").strip()
        card = re.sub(r"[\s-]", "", row.get("card_number") or "")  # "6012 3456-..." as printed
        where = f"line {reader.line_num}"
        problem = _row_problem(email, card)
        address = email_key(email)
        for key in (address, card):
            if problem is None and key in seen:
                problem = f"'{key}' is on line {seen[key]} already"
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        seen.update({address: reader.line_num, card: reader.line_num})
        accounts.append((reader.line_num, address, card))
    return accounts, problems


def store_accounts(tenant, accounts):
    """Add the accounts the tenant lacks; return (added, already there, problems)."""
    existing = (
        db.session.execute(select(LoyaltyAccount).where(LoyaltyAccount.tenant == tenant.slug))
        .scalars()
        .all()
    )
    by_card = {account.card_number: account for account in existing}
    by_email = {account.email_key: account for account in existing}
    added, present, problems = [], 0, []
    for line, email, card in accounts:
        known = by_card.get(card) or by_email.get(email)
        if known is None:
            added.append(LoyaltyAccount(tenant=tenant.slug, email_key=email, card_number=card))
        elif (known.email_key, known.card_number) == (email, card):
            present += 1
        else:
            problems.append(
                f"line {line}: '{email}' or '{card}' is already imported as "
                f"{known.email_key}, {known.card_number}"
            )
    if not problems:
        db.session.add_all(added)
        db.session.commit()
    return len(added), present, problems


def import_file(tenant, csv_file):
    """The `import-loyalty` command (webapp/cli.py, which imports this module only when it runs):
    TENANT's loyalty accounts from CSV_FILE, all or none."""
    found = registry().get(tenant)
    if found is None:
        raise click.ClickException(f"no tenant '{tenant}' in {current_app.config['TENANTS_FILE']}")
    if not found.loyalty:
        raise click.ClickException(f"tenant '{tenant}' does not have loyalty = true")
    try:
        with open(csv_file, encoding="utf-8-sig", newline="") as handle:
            accounts, problems = read_accounts(handle)
    except (UnicodeDecodeError, csv.Error) as error:
        raise click.ClickException(f"{csv_file} is not a UTF-8 CSV file: {error}") from None
    if not problems:
        added, present, problems = store_accounts(found, accounts)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"nothing imported: {len(problems)} problem(s) in {csv_file}")
    click.echo(f"imported {added} loyalty account(s) for '{tenant}'; {present} were there already")
