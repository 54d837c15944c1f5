"""One browser history entry per page change, the open audit kept in the address.

Streamlit (1.67) drops the address's query when a page is chosen in the menu: the new page's
address is pushed without ``?audit=N``. The page's run then puts the audit back
(``ui.state.current_audit_id``), and Streamlit pushes that address as a second history entry
whenever its message comes after the menu's own push, which it does about half the time (the
menu's push waits for React to draw, the query's does not). Back then led from
``actions?audit=1`` to ``actions`` (the same page, the audit put back again) and needed a second
press to leave the page (issue 25).

This script, in the page once per browser tab, gives a page change that Streamlit pushes
without the audit the open audit's ``?audit=N``, so the address is whole at once: the run's
"put back" then finds it there and pushes nothing. Only a push to another page that has no
``audit`` of its own is completed; a push that changes the query of the same page (an audit
opened, closed or changed) is left as Streamlit makes it."""

from __future__ import annotations

from ui.page_script import page_script

MARKER = "gbt-history"

_SCRIPT = """
  const keeper = window.__gbtHistory || (window.__gbtHistory = {});
  keeper.audit = %(audit)s;  // the open audit of this run, or null
  if (keeper.installed) return;
  keeper.installed = true;
  const push = window.history.pushState.bind(window.history);
  window.history.pushState = (state, unused, url) => {
    if (keeper.audit !== null && url !== undefined && url !== null) {
      const target = new URL(String(url), window.location.href);
      const otherPage = target.pathname !== window.location.pathname;
      if (otherPage && !target.searchParams.has('audit')) {
        target.searchParams.set('audit', String(keeper.audit));
        return push(state, unused, target.pathname + target.search + target.hash);
      }
    }
    return push(state, unused, url);
  };
"""


def keep_the_audit_in_the_address(audit_id: int | None) -> None:
    """Put the script in the page (the sidebar, taking no room); call once per run with the
    open audit (None when none is open)."""
    page_script(MARKER, _SCRIPT, {"audit": audit_id})
