"""An article's Markdown, rendered, and its one-line description in lists.

Article bodies are written by agents (and drafted from what customers wrote): Textual's
`Markdown` builds its text from the parsed tokens as `Content`, never as markup, so
`[b]` or `[@click=…]` in a body is shown as written. Links open only when they are web or
mail addresses, and control characters are shown as their pictures."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Markdown

from helpdesk_tui.domain.text import visible, visible_line
from helpdesk_tui.i18n import _
from helpdesk_tui.services.knowledge import ArticleHit

SAFE_LINKS = ("http://", "https://", "mailto:")


class ArticleMarkdown(Markdown):
    def __init__(self, markdown: str | None = None, **kwargs) -> None:
        super().__init__(visible(markdown) if markdown else None, open_links=False, **kwargs)

    def show(self, body: str):
        return self.update(visible(body))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        href = event.href.strip()
        if href.lower().startswith(SAFE_LINKS):
            self.app.open_url(href)
        else:
            self.notify(
                _("Not opened (not a web or mail address): {link}").format(link=href[:80]),
                severity="warning",
                markup=False,
            )


def scope_label(services: tuple[str, ...], groups: tuple[str, ...]) -> str:
    where = ", ".join(services) if services else _("every service")
    who = _("only {groups}").format(groups=", ".join(groups)) if groups else _("everybody")
    return f"{where} · {who}"


def hit_prompt(hit: ArticleHit, *, mark: str = "") -> Text:
    """Three lines for a list of articles: the title, what it is about, the excerpt."""
    prompt = Text()
    if mark:
        prompt.append(mark + " ", style="bold")
    prompt.append(visible_line(hit.title), style="bold")
    used = _("used {n}×").format(n=hit.use_count)
    detail = f"{hit.language} · {scope_label(hit.services, hit.groups)} · {used}"
    prompt.append("\n" + detail, style="dim")
    if hit.excerpt:
        prompt.append("\n" + visible_line(hit.excerpt), style="italic")
    return prompt
