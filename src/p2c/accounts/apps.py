from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The accounts app."""

    name = "p2c.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The admin signs people in through allauth's sign-in page, so its rate limits and the
        # second factor (TOTP) apply there too; a password alone never opens /admin/.
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin

        admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

        # The first sign-in in a language records it as the person's, if they have none yet.
        from django.contrib.auth.signals import user_logged_in

        from p2c.accounts.signals import language_record_on_login

        user_logged_in.connect(language_record_on_login, dispatch_uid="p2c.accounts.language_record_on_login")
