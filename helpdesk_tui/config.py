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

from helpdesk_tui.domain.errors import Invalid

APP_NAME = "helpdesk"


@dataclass(frozen=True)
class Setting:
    """One value in force and where it came from (shown by `helpdesk config`)."""

    value: str | None
    source: str


@dataclass(frozen=True)
class Settings:
    db: Setting
    login: Setting
    lang: Setting
    config_path: Path
    data_dir: Path
    keys: Mapping[str, str] = field(default_factory=dict)
    smtp: Mapping[str, object] = field(default_factory=dict)
    theme: str | None = None

    @property
    def db_url(self) -> str:
        assert self.db.value is not None
        return self.db.value

    @property
    def is_default_store(self) -> bool:
        return self.db.source == "default"


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
        raise Invalid("the database URL is empty")
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if value.startswith("postgresql+psycopg://"):
        return value
    if value.startswith("postgresql+"):
        raise Invalid(
            f"unsupported PostgreSQL driver in {redact(value)}: use postgresql+psycopg://"
        )
    if value.startswith("sqlite"):
        return value
    if "://" in value:
        raise Invalid(
            f"unsupported database URL {redact(value)}: use a SQLite path or postgresql://"
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
        raise Invalid(f"{path}: {exc}") from None
    except OSError as exc:
        raise Invalid(f"{path}: cannot read: {exc.strerror}") from None


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
                raise Invalid(f"{path}: '{key}' must be a string")
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
        raise Invalid(f"{path}: [keys] must map action ids to key names")
    return Settings(
        db=db_setting,
        login=pick(login, "HELPDESK_AS", "login", None),
        lang=lang_setting,
        config_path=path,
        data_dir=data_dir(),
        keys=keys,
        smtp=conf.get("smtp", {}),
        theme=conf.get("theme"),
    )
