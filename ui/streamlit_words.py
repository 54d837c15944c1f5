"""Streamlit's own words in the reader's language.

Streamlit has no language setting: its file uploader ("Drag and drop files here", "Upload",
"50MB per file"), the typing hints ("Press Enter to apply"), the status widget ("Running..."),
a select box's "No results" and the table toolbar's buttons are English in the Chinese page.
(At the widths seen, 1.67's uploader shows its icon, "Upload" and the limit; the drop
sentence is kept for the layouts that show it.) A small exact-match translator in the page
replaces those strings, and only inside the Streamlit element that shows them, so that no
user text is ever touched. The English words are
Streamlit's own (tests/test_streamlit_words.py checks each still appears in the installed
frontend, so an upgrade that changes one is noticed); the Chinese are ours, in texts/.

A rule is (where, Streamlit's English as a regular expression, our words): ``where`` is a CSS
selector of the element the string lives in; ``$1``… in our words take the expression's
groups (the limit's number, the key name)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from texts import t
from ui.page_script import page_script
from ui.state import lang


@dataclass(frozen=True)
class Rule:
    where: str  # a CSS selector: only text inside such an element is replaced
    english: str  # Streamlit's text, as a regular expression matched against the whole text
    key: str  # texts/ key of our words
    attribute: str | None = None  # an attribute's text (aria-label, title, placeholder)
    sample: str = ""  # an example of Streamlit's text, where ``english`` has groups

    @property
    def example(self) -> str:
        return self.sample or self.english.replace("\\", "")


UPLOADER = '[data-testid="stFileUploaderDropzone"]'
LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"]'
HINT = '[data-testid="InputInstructions"]'
STATUS = '[data-testid="stStatusWidget"]'
MENU = '[data-baseweb="popover"]'
TOOLBAR = '[data-testid="stElementToolbar"]'
SKIP = '[data-testid="stSkipToContent"]'  # the keyboard's first stop, shown when focused
SELECT = '[data-baseweb="select"]'  # a select box's placeholder, when the app gives none

RULES = (
    Rule(UPLOADER, r"Drag and drop files here", "streamlit.drop_files"),
    Rule(UPLOADER, r"Drag and drop a file here", "streamlit.drop_file"),
    Rule(UPLOADER, r"Upload", "streamlit.upload"),
    Rule(
        LIMIT, r"(\d+(?:\.\d+)?\s?[KMGT]?B) per file", "streamlit.per_file", sample="50MB per file"
    ),
    Rule(HINT, r"Press Enter to apply", "streamlit.enter_apply"),
    Rule(HINT, r"Press Enter to submit form", "streamlit.enter_submit"),
    Rule(
        HINT,
        r"Press (Ctrl|⌘)\+Enter to apply",
        "streamlit.ctrl_enter_apply",
        sample="Press Ctrl+Enter to apply",
    ),
    Rule(
        HINT,
        r"Press (Ctrl|⌘)\+Enter to submit form",
        "streamlit.ctrl_enter_submit",
        sample="Press Ctrl+Enter to submit form",
    ),
    Rule(STATUS, r"Running\.\.\.", "streamlit.running"),
    Rule(STATUS, r"Stop", "streamlit.stop"),
    Rule(STATUS, r"Connecting", "streamlit.connecting"),  # the server restarting, a reconnect
    Rule(STATUS, r"Error", "streamlit.connection_error"),  # the server out of reach
    Rule(MENU, r"No results", "streamlit.no_results"),
    Rule(SKIP, r"Skip to main content", "streamlit.skip_to_content"),
    *(
        Rule(SELECT, english, key, attribute)
        for attribute in (None, "placeholder")  # the placeholder's text, or its input's
        for english, key in (
            (r"Choose an option", "streamlit.choose_option"),
            (r"Choose options", "streamlit.choose_options"),
            (r"No options to select", "streamlit.no_options"),
        )
    ),
    Rule(UPLOADER, r"file upload", "streamlit.file_input", "aria-label"),
    *(
        Rule(TOOLBAR, english, key, attribute)
        for attribute in ("aria-label", "title")
        for english, key in (
            (r"Download as CSV", "streamlit.download_csv"),
            (r"Search", "streamlit.search"),
            (r"Fullscreen", "streamlit.fullscreen"),
            (r"Close fullscreen", "streamlit.close_fullscreen"),
            (r"Show/hide columns", "streamlit.columns"),
        )
    ),
)


def translate(text: str, where: str, language: str) -> str | None:
    """What the page shows for Streamlit's ``text`` inside an element matching ``where``
    (one of the rules' selectors): our words, or None where no rule applies. The same rules
    the page's script applies, here to be tested as they are."""
    for rule in RULES:
        if rule.where == where and rule.attribute is None:
            match = re.fullmatch(rule.english, text.strip())
            if match:
                return match.expand(_python_groups(t(rule.key, language)))
    return None


def _python_groups(words: str) -> str:
    return re.sub(r"\$(\d)", r"\\\1", words)


MARKER = "gbt-streamlit-words"
_SCRIPT = """
  const words = window.__gbtWords || (window.__gbtWords = {});
  words.rules = %(rules)s.map((r) => ({...r, pattern: new RegExp('^' + r.english + '$')}));
  const original = words.original || (words.original = new WeakMap());
  const say = (node, text, set) => {
    const first = original.has(node) ? original.get(node) : text;
    const bare = first.trim();
    if (!bare || bare.length > 40) return;  // Streamlit's words are short; most text is not
    for (const rule of words.rules) {
      if (rule.attribute !== node.__gbtAttribute || !rule.pattern.test(bare)) continue;
      const host = node.__gbtHost;
      if (!host || !host.closest(rule.where)) continue;
      if (!original.has(node)) original.set(node, first);
      const shown = rule.words === null ? first : bare.replace(rule.pattern, rule.words);
      if (shown !== text) set(shown);
      return;
    }
  };
  const textNode = (node) => {
    node.__gbtHost = node.parentElement;
    node.__gbtAttribute = null;
    say(node, node.nodeValue, (v) => { node.nodeValue = v; });
  };
  const attributes = (el) => {
    for (const name of ['aria-label', 'title', 'placeholder']) {
      if (!el.hasAttribute(name)) continue;
      const key = { __gbtHost: el, __gbtAttribute: name };
      const slot = (el.__gbtSlots = el.__gbtSlots || {});
      const holder = slot[name] || (slot[name] = key);
      say(holder, el.getAttribute(name), (v) => el.setAttribute(name, v));
    }
  };
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return textNode(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    attributes(root);
    const all = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = all.nextNode(); n; n = all.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) textNode(n); else attributes(n);
    }
  };
  walk(document.body);
  if (words.observer) return;
  words.observer = new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === 'characterData') textNode(change.target);
      else if (change.type === 'attributes') attributes(change.target);
      else change.addedNodes.forEach(walk);
    }
  });
  words.observer.observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['aria-label', 'title', 'placeholder'],
  });
"""


def speak_the_readers_language() -> None:
    """Put the translator in the page (the sidebar, taking no room); call once per run. In
    English the rules give Streamlit's own words back (a switch from Chinese restores them)."""
    rules = [
        {
            "where": rule.where,
            "english": rule.english,
            "words": t(rule.key, lang()) if lang() == "zh" else None,
            "attribute": rule.attribute,
        }
        for rule in RULES
    ]
    page_script(MARKER, _SCRIPT, {"rules": rules})
