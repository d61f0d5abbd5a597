"""User keys (`[user_keys]` in the config file) in the application.

`app_class(HelpdeskApp, settings)` gives the application class with one binding per user
key (`id="user.N"`, described, so the help `?` lists them under "Everywhere"), checked
first: a key name Textual does not know, or a key one of the workspace's or the ticket's
own keys already uses (after the `[keys]` rebinding), is a one-line error naming the
config key. Whether each macro and view exists is checked against the store by
`services.user_keys.check_targets` before the application starts.

A macro or a command acts on the current ticket (the highlighted row, or the open
ticket); a view opens as the queue's tab. Work runs in a worker; what came of it is a
notification.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, Keys, key_to_character

from helpdesk_tui.config import Settings, UserKey
from helpdesk_tui.domain.errors import HelpdeskError, Invalid
from helpdesk_tui.i18n import _
from helpdesk_tui.services import user_keys as service

if TYPE_CHECKING:
    from helpdesk_tui.app import HelpdeskApp

MODIFIERS = ("ctrl", "alt", "shift", "super", "meta", "hyper")
_NAMED = frozenset(k.value for k in Keys if "+" not in k.value and not k.value.startswith("<"))


def normalize(key: str) -> str:
    """A key as Textual names it (`?` → `question_mark`, `Ctrl+Y` → `ctrl+y`), or
    `Invalid` for a name no keyboard sends."""
    text = key.strip()
    if text.endswith("++") or text == "+":
        text = text[:-1] + "plus"  # `ctrl++`
    *mods, base = text.split("+")
    mods = [mod.strip().lower() for mod in mods]
    if any(mod not in MODIFIERS for mod in mods) or len(set(mods)) != len(mods):
        raise Invalid(
            _("{key!r} is not a key: modifiers are {modifiers}").format(
                key=key, modifiers=", ".join(MODIFIERS)
            )
        )
    base = base.strip()
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            raise Invalid(_("{key!r} is not a key").format(key=key))
        if not base.isalnum():
            name = unicodedata.name(base, "").lower().replace("-", "_").replace(" ", "_")
            base = KEY_NAME_REPLACEMENTS.get(name, name)
        elif mods:
            base = base.lower()
    else:
        base = base.lower()
        known = base in _NAMED or key_to_character(REPLACED_KEYS.get(base, base))
        if not known:
            raise Invalid(
                _("{key!r} is not a key (like ctrl+y, f5, alt+m, question_mark)").format(key=key)
            )
    return "+".join([*mods, base])


def _bound_keys(settings: Settings, app_bindings: Sequence[Any]) -> dict[str, str]:
    """Every key of the application, the queue and the ticket screens → the binding's id,
    after the `[keys]` rebinding."""
    from helpdesk_tui.screens.ticket import TicketScreen
    from helpdesk_tui.screens.workspace import WorkspaceScreen
    from helpdesk_tui.widgets.ticket_table import TicketTable

    taken: dict[str, str] = {}
    for bindings in (
        app_bindings,
        *(c.BINDINGS for c in (WorkspaceScreen, TicketScreen, TicketTable)),
    ):
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            keys = settings.keys.get(binding.id or "", binding.key)
            for key in keys.split(","):
                try:
                    taken.setdefault(_canonical(normalize(key)), binding.id or binding.action)
                except Invalid:
                    continue
    for always in ("ctrl+p", "tab", "shift+tab"):  # the palette and focus moves
        taken.setdefault(always, "app.focus")
    return taken


def _canonical(key: str) -> str:
    """The same key however its modifiers are ordered."""
    *mods, base = key.split("+")
    return "+".join([*sorted(mods), base])


def check_keys(settings: Settings, app_bindings: Sequence[Any]) -> list[tuple[str, UserKey]]:
    """Each user key with its Textual name; `Invalid` naming the config key otherwise.
    `app_bindings`: the application's own (`HelpdeskApp.BINDINGS`)."""
    taken = _bound_keys(settings, app_bindings)
    out: list[tuple[str, UserKey]] = []
    mine: dict[str, str] = {}
    for user_key in settings.user_keys:
        where = f"{settings.config_path} {user_key.where}"
        try:
            name = normalize(user_key.key)
        except Invalid as exc:
            raise Invalid(_("{where}: {error}").format(where=where, error=exc)) from None
        canonical = _canonical(name)
        if canonical in taken:
            raise Invalid(
                _("{where}: the key is already {owner}'s; choose another").format(
                    where=where, owner=taken[canonical]
                )
            )
        if canonical in mine:
            raise Invalid(
                _('{where}: the same key as "{key}"').format(where=where, key=mine[canonical])
            )
        mine[canonical] = user_key.key
        out.append((name, user_key))
    return out


def app_class(base: type[HelpdeskApp], settings: Settings | None) -> type[HelpdeskApp]:
    """`base`, or a subclass of it with the user's keys bound (checked first)."""
    if settings is None or not settings.user_keys:
        return base
    bindings = [
        Binding(
            name,
            f"user_key({index})",
            user_key.description,
            id=f"user.{index}",
            show=False,
            tooltip=_tooltip(user_key),
        )
        for index, (name, user_key) in enumerate(check_keys(settings, base.BINDINGS))
    ]
    # the module stays the base's: Textual finds CSS_PATH beside the class's module
    namespace = {"BINDINGS": [*base.BINDINGS, *bindings], "__module__": base.__module__}
    return type(base.__name__, (base,), namespace)


def _tooltip(user_key: UserKey) -> str:
    """Made when the application class is built, after the language is set."""
    if user_key.kind == "run":
        return _("your command: {argv}").format(argv=" ".join(user_key.argv))
    return _("your key: {kind} {target}").format(kind=user_key.kind, target=user_key.target)


# -- what a key does ------------------------------------------------------------------------


def press(app: HelpdeskApp, index: int) -> None:
    """Do what user key `index` is bound to (the app's `user_key` action)."""
    user_key = app.settings.user_keys[index] if app.settings else None
    if user_key is None:
        return
    if user_key.kind == "view":
        _open_view(app, user_key)
        return
    target = _current_ticket(app)
    if target is None:
        app.notify(
            _("{key}: no ticket selected.").format(key=user_key.description), severity="warning"
        )
        return
    screen = app.screen
    if user_key.kind == "macro":
        from helpdesk_tui.services import macros  # with the first macro a key runs

        def ran(result: macros.Run) -> None:
            failed = result.tickets_failed > 0
            app.notify(result.summary(), severity="warning" if failed else "information")
            reload = getattr(screen, "reload_ticket", None)
            if reload is not None and screen.is_attached:
                reload()

        _work(app, lambda: macros.run(app.store, app.actor, user_key.target, [target]), ran)
        return

    def shown(run: service.CommandRun) -> None:
        app.notify(
            run.summary(),
            title=f"{user_key.description} · {target}",
            severity="information" if run.ok else "warning",
            timeout=8,
        )

    _work(
        app,
        lambda: service.run_command(
            app.store, app.actor, target, user_key.argv, timeout=user_key.timeout
        ),
        shown,
    )


def _current_ticket(app: HelpdeskApp) -> str | None:
    from helpdesk_tui.screens.actions import TicketActions

    screen = app.screen
    if not isinstance(screen, TicketActions):
        return None
    target = screen.target()
    return target[0] if target else None


def _open_view(app: HelpdeskApp, user_key: UserKey) -> None:
    from helpdesk_tui.screens.workspace import WorkspaceScreen

    def found(tab_id: str) -> None:
        workspace = next(
            (s for s in reversed(app.screen_stack) if isinstance(s, WorkspaceScreen)), None
        )
        if workspace is not None:
            while app.screen is not workspace:
                app.pop_screen()
            if workspace.open_tab(tab_id):
                return
        app.push_screen(WorkspaceScreen(start=tab_id))

    _work(app, lambda: service.view_tab(app.store, app.actor, user_key.target), found)


def _work(app: HelpdeskApp, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
    """`fn` in a thread worker; `done(result)` back on the event loop; errors as one line."""

    def work() -> None:
        try:
            result = fn()
        except HelpdeskError as exc:
            app.call_from_thread(app.report_error, exc)
            return
        except Exception as exc:  # shown as one line and logged, never a crash
            app.call_from_thread(app.report_error, exc)
            return
        app.call_from_thread(done, result)

    app.run_worker(work, thread=True, group="user-keys", exit_on_error=False)
