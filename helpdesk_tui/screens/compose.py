"""Writing a reply, note, resolution or escalation note.

The text is saved as a draft in the store while the agent types (debounced), so a crash or
a closed terminal loses nothing; reopening the editor brings the draft back. Ctrl+T picks a
template (filtered to the ticket's service and line, filled from the ticket), inserted
where the cursor is and editable before sending.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from helpdesk_tui.i18n import N_, _, n_
from helpdesk_tui.screens.base import WorkerCalls
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import drafts, templates

SAVE_AFTER = 0.8  # seconds of quiet before the draft is written


class ComposeScreen(WorkerCalls, ModalScreen[str | None]):
    """Returns the text on Ctrl+S, None on Esc (the draft stays)."""

    BINDINGS = [
        Binding("ctrl+s", "send", N_("Send"), id="compose.send", priority=True),
        Binding("ctrl+t", "template", N_("Template"), id="compose.template", priority=True),
        Binding("escape", "close", N_("Close (keep draft)"), id="compose.close"),
    ]

    DEFAULT_CSS = """
    ComposeScreen { align: center middle; }
    ComposeScreen > Vertical {
        width: 90%; max-width: 110; height: 80%; max-height: 36;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ComposeScreen #compose-title { text-style: bold; padding: 0 0 1 0; }
    ComposeScreen TextArea { height: 1fr; }
    ComposeScreen #compose-hint { color: $text-muted; }
    ComposeScreen #compose-error { color: $error; }
    """

    def __init__(
        self,
        title: str,
        *,
        ticket: str | None,
        kind: str,
        template_kinds: tuple[str, ...] = (),
        min_length: int = 1,
        hint: str = "",
        initial: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.ticket = ticket
        self.kind = kind
        self.template_kinds = template_kinds
        self.min_length = min_length
        self.hint = hint
        self.initial = initial  # text to start from when there is no draft (a template)
        self.template_code: str | None = None
        self._save_timer = None
        self._loaded = False
        self._typed_early = False  # text typed before the draft was loaded

    def compose(self) -> ComposeResult:
        keys = _("Ctrl+S send · Esc close (the draft is kept)")
        if self.template_kinds:
            keys += " · " + _("Ctrl+T template")
        with Vertical():
            yield Static(Text(self.title_text), id="compose-title")
            yield TextArea(id="compose-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="compose-error")
            yield Static(Text((self.hint + "\n" if self.hint else "") + keys), id="compose-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.call(
            drafts.load,
            self.desk.store,
            self.desk.actor,
            self.kind,
            self.ticket,
            done=self._draft_loaded,
        )

    def _draft_loaded(self, draft) -> None:
        area = self.query_one(TextArea)
        body = draft.body if draft is not None else None
        kept = self.desk.kept_drafts.get(self.kind, self.ticket)
        if kept is not None:  # typed while the store was unreachable: newer than the stored
            text, append = kept
            body = body + "\n" + text if append and body else text
        if body is None and self.initial and not area.text.strip():
            area.text = self.initial
            area.move_cursor(area.document.end)
        if body is not None:
            typed = area.text  # typed while the draft was on its way: keep both
            area.text = body + ("\n" + typed if typed.strip() else "")
            area.move_cursor(area.document.end)
            self.notify(_("Your draft is back."), timeout=3)
        self._loaded = True
        if self._typed_early:
            self._schedule_save()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.query_one("#compose-error", Static).update("")
        if not self._loaded:  # saving now would overwrite the draft not yet loaded
            self._typed_early = bool(self.text.strip())
            return
        self._schedule_save()

    def _schedule_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self._save_draft)

    def _save_draft(self) -> None:
        """Through the application, so that a save as the editor closes is still written,
        or kept until the store can be reached again."""
        self.desk.kept_drafts.save(self.kind, self.ticket, self.text)

    def action_send(self) -> None:
        text = self.text.strip()
        if len(text) < self.min_length:
            need = (
                _("Write something first.")
                if self.min_length <= 1
                else n_(
                    "Write at least {n} character.",
                    "Write at least {n} characters.",
                    self.min_length,
                ).format(n=self.min_length)
            )
            self.query_one("#compose-error", Static).update(need)
            return
        # the draft is written now, so a failed send keeps the text
        drafts_save = (self.desk.store, self.desk.actor, self.kind, self.ticket, self.text)
        if self._save_timer is not None:
            self._save_timer.stop()
        self.desk.kept_drafts.forget(self.kind, self.ticket)  # this save supersedes it
        self.call(drafts.save, *drafts_save, done=lambda _saved: self.dismiss(text), group="draft")

    def action_close(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_draft()
        elif not self._loaded and self.text.strip():  # closed before the draft came back
            self.desk.kept_drafts.save(self.kind, self.ticket, self.text, append=True)
        self.dismiss(None)

    def action_template(self) -> None:
        if not self.template_kinds or self.ticket is None:
            return
        self.call(
            templates.for_ticket,
            self.desk.store,
            self.desk.actor,
            self.ticket,
            self.template_kinds,
            done=self._pick_template,
        )

    def _pick_template(self, choices: list[templates.TemplateChoice]) -> None:
        if not choices:
            self.notify(_("No templates for this service and line."), severity="warning")
            return
        by_code = {c.code: c for c in choices}
        picker = PickerScreen(
            _("Insert a template"),
            [
                Choice(
                    c.code,
                    c.name,
                    f"{c.language} · {c.kind} · " + _("used {n}×").format(n=c.use_count),
                    c.body,
                )
                for c in choices
            ],
        )

        def chosen(code: str | None) -> None:
            if code is None:
                return
            area = self.query_one(TextArea)
            area.insert(by_code[code].body)
            area.focus()
            self.template_code = code

        self.app.push_screen(picker, chosen)
