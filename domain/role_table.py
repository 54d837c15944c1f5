"""The role table as Markdown, from domain.permissions (pasted into the README; a test keeps the
two the same): ``python -m domain.role_table``."""

from __future__ import annotations

from domain.permissions import Role, role_table
from texts import t


def markdown_table() -> str:
    roles = list(Role)
    head = "| action | " + " | ".join(f"{t(f'auth.role.{r}', 'zh')} {r.value}" for r in roles)
    lines = [head + " |", "| --- |" + " :-: |" * len(roles)]
    for action, allowed in role_table():
        label = f"{t(f'auth.action.{action}', 'zh')} ({t(f'auth.action.{action}', 'en')})"
        marks = " | ".join("✓" if allowed[r] else "—" for r in roles)
        lines.append(f"| {label} | {marks} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
