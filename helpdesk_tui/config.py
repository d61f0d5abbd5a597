"""Where things live and which settings are in force, with where each came from.

Precedence for every setting: the command-line option, then the environment
(`HELPDESK_DB`, `HELPDESK_AS`, `HELPDESK_LANG`), then the config file
(`<user config dir>/config.toml`, or `HELPDESK_CONFIG`), then the default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from helpdesk_tui.domain import toml_problems
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.i18n import N_, _

APP_NAME = "helpdesk"


@dataclass(frozen=True)
class Setting:
    """One value in force and where it came from (shown by `helpdesk config`)."""

    value: str | None
    source: str  # in English, as `helpdesk config --json` gives it; see `source_label`


@dataclass(frozen=True)
class UserKey:
    """A key of the user's own (`[user_keys]`): a macro, a saved view, or a command.

    `key` is as written in the file (the screens check and normalise it); `target` is the
    macro's code or the view's name; `argv` the command, placeholders unfilled."""

    key: str
    kind: str  # macro | view | run
    target: str = ""
    argv: tuple[str, ...] = ()
    name: str = ""
    timeout: float = 10.0

    @property
    def where(self) -> str:
        return f'[user_keys] "{self.key}"'

    @property
    def description(self) -> str:
        if self.name:
            return self.name
        if self.kind == "run":
            return _("Run {program}").format(program=Path(self.argv[0]).name)
        if self.kind == "macro":
            return _("Macro {code}").format(code=self.target)
        return _("View {name}").format(name=self.target)


@dataclass(frozen=True)
class Settings:
    db: Setting
    login: Setting
    lang: Setting
    config_path: Path
    data_dir: Path
    keys: Mapping[str, str] = field(default_factory=dict)
    smtp: Mapping[str, object] = field(default_factory=dict)
    mail: Mapping[str, object] = field(default_factory=dict)
    # the handling-time stopwatch: cap_minutes (longest stretch counted), ask_from_minutes
    # (from this long the time is offered for editing before it is logged)
    handling: Mapping[str, object] = field(default_factory=dict)
    theme: str | None = None
    user_keys: tuple[UserKey, ...] = ()

    @property
    def db_url(self) -> str:
        assert self.db.value is not None
        return self.db.value

    @property
    def is_default_store(self) -> bool:
        return self.db.source == "default"


_FIXED_SOURCES = {
    "command line": N_("command line"),
    "default": N_("default"),
    "locale (LANG)": N_("locale (LANG)"),
}


def source_label(source: str) -> str:
    """Where a setting came from, in the user's language (the table of `helpdesk config`).

    The source is kept in English when the settings are read (the language is not known
    yet then, and programs read it from `--json`); it is translated where it is shown."""
    if source in _FIXED_SOURCES:
        return _(_FIXED_SOURCES[source])
    if source.startswith("environment "):
        return _("environment {name}").format(name=source.removeprefix("environment "))
    if source.startswith("config file "):
        return _("config file {path}").format(path=source.removeprefix("config file "))
    return source


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("HELPDESK_CONFIG"):
        return Path(env["HELPDESK_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_db_path() -> Path:
    return data_dir() / "helpdesk.sqlite3"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite3"


def normalize_db_url(value: str) -> str:
    """Accept a SQLite path or URL, or a PostgreSQL URL; return a SQLAlchemy URL."""
    value = value.strip()
    if not value:
        raise Invalid(_("the database URL is empty"))
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if value.startswith("postgresql+psycopg://"):
        return value
    if value.startswith("postgresql+"):
        raise Invalid(
            _("unsupported PostgreSQL driver in {url}: use postgresql+psycopg://").format(
                url=redact(value)
            )
        )
    if value.startswith("sqlite"):
        return value
    if "://" in value:
        raise Invalid(
            _("unsupported database URL {url}: use a SQLite path or postgresql://").format(
                url=redact(value)
            )
        )
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def redact(url: str) -> str:
    """The URL with any password replaced by ***."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    if ":" in creds:
        creds = creds.split(":", 1)[0] + ":***"
    return f"{scheme}://{creds}@{host}"


def store_label(url: str) -> str:
    """A short name for the store in force: the SQLite file's name, or host/database."""
    if url.startswith("sqlite"):
        return Path(url.split("///", 1)[-1]).name or "sqlite"
    rest = url.split("://", 1)[-1]
    host_db = rest.rsplit("@", 1)[-1].split("?", 1)[0]
    return host_db


def read_config_file(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(toml_problems.describe(path, exc)) from None
    except OSError as exc:
        raise Invalid(
            _("{path}: cannot read: {reason}").format(path=path, reason=exc.strerror)
        ) from None


def load_settings(
    db: str | None = None,
    login: str | None = None,
    lang: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    env = os.environ if env is None else env
    path = config_path(env)
    conf = read_config_file(path)

    def pick(option: str | None, env_name: str, key: str, default: str | None) -> Setting:
        if option:
            return Setting(option, "command line")
        if env.get(env_name):
            return Setting(env[env_name], f"environment {env_name}")
        if conf.get(key):
            value = conf[key]
            if not isinstance(value, str):
                raise Invalid(_("{path}: '{key}' must be a string").format(path=path, key=key))
            return Setting(value, f"config file {path}")
        return Setting(default, "default")

    db_setting = pick(db, "HELPDESK_DB", "db", None)
    if db_setting.value is None:
        db_setting = Setting("sqlite:///" + str(default_db_path()), "default")
    else:
        db_setting = Setting(normalize_db_url(db_setting.value), db_setting.source)
    env_lang = (env.get("LANG") or "").split("_")[0].split(".")[0].lower()
    lang_setting = pick(lang, "HELPDESK_LANG", "lang", None)
    if lang_setting.value is None:
        lang_setting = Setting(
            "ru" if env_lang == "ru" else "en", "locale (LANG)" if env_lang else "default"
        )
    keys = conf.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise Invalid(_("{path}: [keys] must map action ids to key names").format(path=path))
    return Settings(
        db=db_setting,
        login=pick(login, "HELPDESK_AS", "login", None),
        lang=lang_setting,
        config_path=path,
        data_dir=data_dir(),
        keys=keys,
        smtp=_table(conf, "smtp", path),
        mail=_table(conf, "mail", path),
        handling=_table(conf, "handling", path),
        theme=conf.get("theme"),
        user_keys=user_keys(conf, path),
    )


# -- user keys: the `[user_keys]` table ------------------------------------------------------
#
# [user_keys]
# "ctrl+y" = "macro:printer-paper"                 # run a macro on the ticket
# "f5" = "view:My P1s"                             # open a saved view (a queue tab)
# "ctrl+g" = ["xdg-open", "https://crm.example/c/{{customer.code}}"]   # run a command
# "ctrl+e" = { run = ["notify-send", "{{ticket.key}}", "{{ticket.subject}}"],
#              name = "Desktop note", timeout = 5 }


def _user_key_forms(where: str) -> str:
    return _(
        '{where}: use "macro:CODE", "view:NAME" or a command list ["program", "arg", …]'
    ).format(where=where)


def user_keys(conf: Mapping, path: Path) -> tuple[UserKey, ...]:
    """The `[user_keys]` table, checked for shape; the key names, clashes with the built-in
    keys, and whether each macro or view exists are checked when the application starts."""
    from helpdesk_tui.domain import commands

    table = _table(conf, "user_keys", path)
    out = []
    for key, value in table.items():
        where = f'{path} [user_keys] "{key}"'
        name, timeout = "", 10.0
        if isinstance(value, dict):
            actions = [k for k in ("macro", "view", "run") if k in value]
            extra = set(value) - {"macro", "view", "run", "name", "timeout"}
            if extra:
                raise Invalid(
                    _("{where}: unknown field {field}").format(
                        where=where, field=repr(sorted(extra)[0])
                    )
                )
            if len(actions) != 1:
                raise Invalid(_("{where}: give one of macro, view or run").format(where=where))
            name = _get(value, "name", str, "", where).strip()
            timeout = _get(value, "timeout", float, 10.0, where)
            if not 0 < timeout <= 600:
                raise Invalid(_("{where}: 'timeout' is 1 to 600 seconds").format(where=where))
            kind = actions[0]
            value = value[kind] if kind == "run" else f"{kind}:{value[kind]}"
        if isinstance(value, list):
            out.append(
                UserKey(key, "run", argv=commands.check(value, where), name=name, timeout=timeout)
            )
            continue
        if not isinstance(value, str) or ":" not in value:
            raise Invalid(_user_key_forms(where))
        kind, _sep, target = value.partition(":")
        kind, target = kind.strip().lower(), target.strip()
        if kind not in ("macro", "view") or not target:
            raise Invalid(_user_key_forms(where))
        out.append(UserKey(key, kind, target=target, name=name, timeout=timeout))
    return tuple(out)


# -- mail: the `[mail]` and `[smtp]` tables of the config file ------------------------------
#
# [mail]
# from = "Service Desk <desk@example.com>"   # From of every outgoing message
# reply_to = ""                    # optional Reply-To (the intake address, if another)
# own_addresses = []               # more addresses of ours: mail from them is a loop
# intake_service = "question"      # the service of tickets opened by mail (routing rules apply)
# fallback_customer = "unknown-senders"   # customer of new senders no domain matches
# attachments_dir = "…"            # default: <data dir>/attachments
# failed_dir = "…"                 # where `intake eml` sets aside what it cannot store
# max_message_mb = 25              # larger messages are set aside, not stored
#
# [smtp]
# host = "smtp.example.com"
# port = 587                       # default: 465 with ssl, 587 with starttls, else 25
# security = "starttls"            # none | starttls | ssl (implicit TLS)
# username = "desk@example.com"
# password = "…"                   # or password_env = "HELPDESK_SMTP_PASSWORD"
# ca_file = ""                     # a private CA for the server's certificate
# timeout = 30                     # seconds per SMTP command
# max_attempts = 10                # then the message is failed for good
# retry_after = 60                 # seconds before the 2nd attempt; doubles each time …
# retry_max = 14400                # … up to this
# sending_timeout = 900            # a message claimed this long ago by a sender that died
#                                  # is tried again (delivery is at least once at SMTP)

_SECURITY = ("none", "starttls", "ssl")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int = 25
    security: str = "none"
    username: str = ""
    password: str = field(default="", repr=False)
    ca_file: str = ""
    timeout: float = 30.0
    max_attempts: int = 10
    retry_after_s: int = 60
    retry_max_s: int = 4 * 3600
    sending_timeout_s: int = 900


@dataclass(frozen=True)
class MailConfig:
    from_addr: str = "helpdesk@localhost"
    from_name: str = "Service Desk"
    reply_to: str = ""
    own_addresses: tuple[str, ...] = ()
    intake_service: str = "question"
    fallback_customer: str = "unknown-senders"
    attachments_dir: Path = field(default_factory=lambda: data_dir() / "attachments")
    failed_dir: Path = field(default_factory=lambda: data_dir() / "mail" / "failed")
    max_message_bytes: int = 25 * 1024 * 1024

    @property
    def ours(self) -> frozenset[str]:
        """Every address of the desk, lower-cased: mail from these is a loop."""
        return frozenset(
            a.lower() for a in (self.from_addr, self.reply_to, *self.own_addresses) if a
        )


def _table(conf: Mapping, name: str, path: Path) -> dict:
    value = conf.get(name, {})
    if not isinstance(value, dict):
        raise Invalid(_("{path}: [{table}] must be a table").format(path=path, table=name))
    return value


def _get(table: Mapping, name: str, kind: type, default, where: str):
    value = table.get(name, default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise Invalid(
            _("{where}: '{key}' must be a {kind}").format(where=where, key=name, kind=kind.__name__)
        )
    if kind in (int, float) and value < 0:
        raise Invalid(_("{where}: '{key}' must not be negative").format(where=where, key=name))
    return value


def smtp_config(settings: Settings, env: Mapping[str, str] | None = None) -> SmtpConfig:
    """The `[smtp]` table, checked: one line naming the bad key otherwise."""
    env = os.environ if env is None else env
    t, where = settings.smtp, f"{settings.config_path} [smtp]"
    security = _get(t, "security", str, "", where).strip().lower()
    if security == "tls":
        security = "ssl"
    port = _get(t, "port", int, 0, where)
    if not security:
        security = {465: "ssl", 587: "starttls"}.get(port, "none")
    if security not in _SECURITY:
        raise Invalid(
            _("{where}: 'security' must be one of {choices}").format(
                where=where, choices=", ".join(_SECURITY)
            )
        )
    port = port or {"ssl": 465, "starttls": 587}.get(security, 25)
    if not 0 < port < 65536:
        raise Invalid(_("{where}: 'port' must be 1 to 65535").format(where=where))
    host = _get(t, "host", str, "localhost", where).strip()
    if not host:
        raise Invalid(_("{where}: 'host' is empty").format(where=where))
    username = _get(t, "username", str, "", where)
    password = _get(t, "password", str, "", where)
    password_env = _get(t, "password_env", str, "", where)
    if password_env:
        if password_env not in env:
            raise Invalid(
                _("{where}: the environment variable {name} is not set").format(
                    where=where, name=password_env
                )
            )
        password = env[password_env]
    if username and security == "none" and host not in _LOOPBACK:
        raise Invalid(
            _("{where}: refusing to send the password unencrypted; set security").format(
                where=where
            )
        )
    config = SmtpConfig(
        host=host,
        port=port,
        security=security,
        username=username,
        password=password,
        ca_file=_get(t, "ca_file", str, "", where),
        timeout=_get(t, "timeout", float, 30.0, where),
        max_attempts=_get(t, "max_attempts", int, 10, where),
        retry_after_s=_get(t, "retry_after", int, 60, where),
        retry_max_s=_get(t, "retry_max", int, 4 * 3600, where),
        sending_timeout_s=_get(t, "sending_timeout", int, 900, where),
    )
    if config.max_attempts < 1:
        raise Invalid(_("{where}: 'max_attempts' must be at least 1").format(where=where))
    return config


def mail_config(settings: Settings) -> MailConfig:
    """The `[mail]` table, checked."""
    from email.utils import parseaddr

    t, where = settings.mail, f"{settings.config_path} [mail]"
    name, addr = parseaddr(_get(t, "from", str, "Service Desk <helpdesk@localhost>", where))
    if "@" not in addr:
        raise Invalid(
            _("{where}: 'from' must be an address like 'Service Desk <desk@example.com>'").format(
                where=where
            )
        )
    own = _get(t, "own_addresses", list, [], where)
    if not all(isinstance(a, str) and "@" in a for a in own):
        raise Invalid(
            _("{where}: 'own_addresses' must be a list of e-mail addresses").format(where=where)
        )
    base = settings.data_dir
    return MailConfig(
        from_addr=addr,
        from_name=name,
        reply_to=_get(t, "reply_to", str, "", where),
        own_addresses=tuple(own),
        intake_service=_get(t, "intake_service", str, "question", where),
        fallback_customer=_get(t, "fallback_customer", str, "unknown-senders", where),
        attachments_dir=Path(
            _get(t, "attachments_dir", str, str(base / "attachments"), where)
        ).expanduser(),
        failed_dir=Path(
            _get(t, "failed_dir", str, str(base / "mail" / "failed"), where)
        ).expanduser(),
        max_message_bytes=int(_get(t, "max_message_mb", float, 25.0, where) * 1024 * 1024),
    )
