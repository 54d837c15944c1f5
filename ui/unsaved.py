"""Text typed but not yet saved is not lost without a word.

Streamlit keeps a field's text only when it is saved: outside a form when the field is left or
Enter is pressed, inside a form when the form's button is pressed. Typed text that was not, is
gone after a reload, a closed tab or a page chosen in the menu. This script (run in the page,
once per browser tab) remembers which fields were typed in and not yet saved, and then

- before the tab is reloaded or closed: asks with the browser's own question (browsers show
  their own words there, in the browser's language; no page may choose them);
- before a page is chosen in the menu: asks in the reader's language, naming the fields and
  saying how to keep the text (stay, then Enter or the form's button) or that leaving drops it.

Pressing a menu link would first leave the field (and so save it, outside a form) and only then
change the page; the link's press keeps the focus where it is, so that the question comes
before anything is saved or dropped."""

from __future__ import annotations

from ui.page_script import page_script
from ui.state import lang, tr

MARKER = "gbt-unsaved-guard"

_SCRIPT = """
  const guard = window.__gbtUnsaved || (window.__gbtUnsaved = {});
  guard.question = %(question)s;  // in the reader's language, renewed when it changes
  guard.unnamed = %(unnamed)s;
  guard.separator = %(separator)s;
  if (guard.installed) return;
  guard.installed = true;
  const typed = new Set();
  const FIELD = '[data-testid="stTextInput"] input, [data-testid="stTextArea"] textarea';
  const MENU = '[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavLink"]';
  const isField = (el) => el instanceof Element && el.matches(FIELD);
  const formOf = (el) => el.closest('[data-testid="stForm"]');
  const saveForm = (form) => {
    for (const el of [...typed]) if (formOf(el) === form) typed.delete(el);
  };
  const waiting = () => [...typed].filter((el) => el.isConnected);
  guard.waiting = () => waiting().map((el) => el.getAttribute('aria-label') || guard.unnamed);
  document.addEventListener('input', (e) => { if (isField(e.target)) typed.add(e.target); }, true);
  document.addEventListener('focusout', (e) => {
    // outside a form, leaving the field saves it (unless the menu's press kept the focus)
    if (isField(e.target) && !formOf(e.target)) typed.delete(e.target);
  }, true);
  document.addEventListener('keydown', (e) => {
    if (!isField(e.target) || e.key !== 'Enter' || e.isComposing) return;
    const single = e.target.tagName === 'INPUT';
    if (!single && !(e.ctrlKey || e.metaKey)) return;  // Enter in a text area is a new line
    const form = formOf(e.target);
    if (form) saveForm(form); else typed.delete(e.target);
  }, true);
  let asking = false;
  document.addEventListener('mousedown', (e) => {
    const link = e.target instanceof Element && e.target.closest(MENU);
    asking = Boolean(link && waiting().length);
    if (asking) e.preventDefault();  // keep the focus: leaving the field would save it
  }, true);
  document.addEventListener('click', (e) => {
    if (!(e.target instanceof Element)) return;
    const submit = e.target.closest('[data-testid="stFormSubmitButton"]');
    if (submit) { const form = formOf(submit); if (form) saveForm(form); return; }
    const link = e.target.closest(MENU);
    if (!link) return;
    const fields = guard.waiting();
    if (!fields.length && !asking) return;
    asking = false;
    const question = guard.question.replace('{fields}', fields.join(guard.separator));
    if (fields.length && !window.confirm(question)) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    typed.clear();  // the person chose to leave: the text is dropped, as they were told
  }, true);
  window.addEventListener('beforeunload', (e) => {
    if (!waiting().length) return;
    e.preventDefault();
    e.returnValue = '';  // the browser asks in its own words
  });
"""


def guard_unsaved_typing() -> None:
    """Put the script in the page (the sidebar, taking no room); call once per run."""
    values: dict[str, object] = {
        "question": tr("ui.unsaved_leave", fields="{fields}"),
        "unnamed": tr("ui.unsaved_unnamed"),
        "separator": tr("next.separator"),
    }
    # the language is part of the content, so a new language runs it again with its words
    page_script(MARKER, _SCRIPT, values, redraw_on=lang())
