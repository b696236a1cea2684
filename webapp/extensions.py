"""The Flask extensions, created unbound; `create_app` binds them.

Flask-Migrate is not among them: `webapp.database.schema.migrations` registers it when migrations
run.
"""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from webapp.auth.ratelimit_keys import client_address


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
babel = Babel()
# Limits are declared on the routes that need them; nothing is limited by default.
limiter = Limiter(key_func=client_address, default_limits=[], swallow_errors=True)
