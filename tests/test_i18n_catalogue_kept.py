"""The catalogue a request keeps follows the language it is asked in, `force_locale` included."""

from flask_babel import force_locale

from webapp.i18n import gettext, ngettext


def test_the_kept_catalogue_switches_with_force_locale_and_back(app):
    with app.test_request_context("/register?lang=de"):
        assert gettext("Continue") == "Weiter"
        with force_locale("en"):
            assert gettext("Continue") == "Continue"
        assert gettext("Continue") == "Weiter"
    with app.test_request_context("/register"):
        assert gettext("Continue") == "Continue"
        with force_locale("de"):
            assert gettext("Continue") == "Weiter"
            assert ngettext(
                "At least %(num)d character.", "At least %(num)d characters.", 8
            ).startswith("Mindestens 8")
        assert gettext("Continue") == "Continue"


def test_templates_use_the_kept_catalogue(app):
    with app.test_request_context("/register?lang=de"):
        assert app.jinja_env.from_string("{{ _('Continue') }}").render() == "Weiter"
        with force_locale("en"):
            assert app.jinja_env.from_string("{{ _('Continue') }}").render() == "Continue"
