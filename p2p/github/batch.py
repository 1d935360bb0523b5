"""Aliased GraphQL mutations: up to fifty changes in one request, each answer checked alias by alias.

A batch is composed from mutation files of `p2p/github/graphql/`, each holding ONE mutation whose
one field is aliased `<name>0` and takes the one variable `$<name>0` (add_items.graphql:
`m0: addProjectV2ItemById(input: $m0)`). GraphQL cannot repeat a field a number of times given at
run time, so the n-th change of a batch is that field again, aliased and fed `m<n>`; fragments
are written once after the operation. The files stay whole documents that validate on their own,
and every composed document is one a test validates against GitHub's schema.

GitHub runs the mutations of a request one after the other, and one that fails is an error of
its own, its alias null, while the others are made ("Mutation", GraphQL specification 6.2.2;
"several updateProjectV2ItemFieldValue in one request, each answered under its alias" in the
github-project recordings). `run` hands back each alias's answer, or reports every change that
was not made: the writes batched here are idempotent, and the next run observes what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from p2p.errors import GitHubError
from p2p.github.client import GitHubClient, Need, document
from p2p.port import graphql_refused

# Refusals that are about the token, not about one change: said as the client says them.
_TOKEN_ERRORS = frozenset({"FORBIDDEN", "INSUFFICIENT_SCOPES"})
_SHOWN = 3  # changes a report names before "and N more"


@dataclass(frozen=True)
class Change:
    """One mutation of a batch: its file, its input, and what it does in words ("put issue #5 on
    board #1"), for the report of a change GitHub did not make."""

    template: str
    input: Mapping[str, Any]
    action: str


@dataclass(frozen=True)
class _Template:
    head: str  # "mutation AddItems("
    variable: str  # "$m0: AddProjectV2ItemByIdInput!", with the template's alias
    field: str  # "m0: addProjectV2ItemById(input: $m0) {...}"
    alias: str  # "m0"
    fragments: str  # what follows the operation: its fragments


@cache
def _template(name: str) -> _Template:
    text = "\n".join(line for line in document(name).splitlines() if not line.lstrip().startswith("#"))
    found = re.match(r"\s*(mutation \w+\()\s*(\$(\w+0)\s*:[^)]*?)\)\s*\{", text)
    if found is None:
        raise ValueError(f"{name}.graphql: not one mutation taking one variable $<alias>0")
    head, variable, alias = found.groups()
    end = _closing(text, found.end() - 1)
    field = text[found.end() : end].strip()
    if not field.startswith(f"{alias}:"):
        raise ValueError(f"{name}.graphql: its one field is not aliased {alias}")
    return _Template(head, variable.strip(), field, alias, text[end + 1 :].strip())


def _closing(text: str, opening: int) -> int:
    """The index of the brace that closes the one at `opening`."""
    depth = 0
    for index in range(opening, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index
    raise ValueError("unbalanced braces")


def _renamed(text: str, alias: str, n: int) -> str:
    return re.sub(rf"\b{alias}\b", f"m{n}", text)


@cache
def compose(templates: tuple[str, ...]) -> str:
    """One mutation document: the n-th field that of `templates[n]`, aliased `m<n>` and fed the
    variable `$m<n>`; each template's fragments once. Named after the first template."""
    if not templates:
        raise ValueError("a batch of no mutations")
    parts = [_template(name) for name in templates]
    variables = ", ".join(_renamed(t.variable, t.alias, n) for n, t in enumerate(parts))
    fields = "\n  ".join(_renamed(t.field, t.alias, n) for n, t in enumerate(parts))
    fragments = "\n\n".join(dict.fromkeys(t.fragments for t in parts if t.fragments))
    return f"{parts[0].head}{variables}) {{\n  {fields}\n}}\n" + (f"\n{fragments}\n" if fragments else "")


def run(
    client: GitHubClient, changes: Sequence[Change], *, action: str, need: Need
) -> list[Mapping[str, Any]]:
    """Send the changes in ONE request (none when there are none); the answer of each, in order.

    A change GitHub refused, or answered with nothing, is reported with the others of its kind in
    one GitHubError, after GitHub made the rest. A refusal of the token (a missing permission)
    is reported as the client reports it.
    """
    if not changes:
        return []
    text = compose(tuple(change.template for change in changes))
    variables = {f"m{n}": dict(change.input) for n, change in enumerate(changes)}
    data, errors = client.graphql_reply(text, variables, action=action, need=need, mutation=True)
    by_alias: dict[str, list[str]] = {}
    loose: list[Mapping[str, Any]] = []
    for error in errors:
        path = error.get("path") or []
        if str(error.get("type") or "") in _TOKEN_ERRORS or not path:
            loose.append(error)
        else:
            by_alias.setdefault(str(path[0]), []).append(str(error.get("message") or "refused"))
    if loose:
        raise client.graphql_error(loose, action=action, need=need)
    answers: list[Mapping[str, Any]] = []
    failed: list[str] = []
    for n, change in enumerate(changes):
        answer = data.get(f"m{n}")
        if isinstance(answer, Mapping) and f"m{n}" not in by_alias:
            answers.append(answer)
        else:
            said = "; ".join(by_alias.get(f"m{n}", [])) or "no answer"
            if len(changes) == 1:  # a batch of one fails as any single request does
                raise client.error(graphql_refused(action, said))
            failed.append(f"{change.action} ({said})")
    if failed:
        raise client.error(_partial(failed, len(changes), action))
    return answers


def _partial(failed: Sequence[str], total: int, action: str) -> GitHubError:
    more = len(failed) - _SHOWN
    named = "; ".join(failed[:_SHOWN]) + (f"; and {more} more" if more > 0 else "")
    made = total - len(failed)
    return GitHubError(
        f"GitHub made {made} of {total} changes while trying to {action}, not: {named}; run again: "
        "the next run finishes the work without doing any of it twice"
    )
