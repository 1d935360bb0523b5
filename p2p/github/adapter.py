"""The GitHub adapter: `p2p.port.Port` over GitHub's REST and GraphQL APIs.

Each operation asks `p2p.github.client` for the requests it takes and `p2p.github.mapping` for
the models of the answers: nothing past this module sees a PyGithub object or raw JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

from p2p.errors import GitHubError, UnknownLoginError
from p2p.github import batch, mapping
from p2p.github.client import GitHubClient, already_exists
from p2p.github.mapping import NEW_OPTION
from p2p.github.reads import GitHubReads
from p2p.models import (
    Board,
    BoardField,
    BoardItem,
    Comment,
    FieldType,
    Invitation,
    Issue,
)
from p2p.port import (
    FieldValue,
    RequestCount,
    check_batch,
    check_creatable,
    check_mutations,
    item_name,
    values_name,
)


class GitHubRepository(GitHubReads):
    """One repository on GitHub and its owner's Projects boards: the real port."""

    def __init__(self, client: GitHubClient) -> None:
        self._client = client
        self._repository = client.repository
        self.owner, self.name = client.owner, client.name
        self._node_ids: dict[int, str] = {}  # issue number -> node id, from what was read
        self._options: dict[str, dict[str, str]] = {}  # option id -> colour and description
        self._label_ids: dict[str, str] = {}  # label name, casefolded -> node id, from what was read
        self._base = f"/repos/{quote(self.owner, safe='')}/{quote(self.name, safe='')}"

    @classmethod
    def from_environment(
        cls,
        repository: str,
        *,
        env: Mapping[str, str],
        token: str | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> GitHubRepository:
        """The adapter for `repository` with the API URL of the environment, and its token unless
        one was found already."""
        return cls(GitHubClient.from_environment(repository, env=env, token=token, sleep=sleep))

    # --- the port: identity ----------------------------------------------------------------

    @property
    def repository(self) -> str:
        return self._repository

    @property
    def requests(self) -> RequestCount:
        return self._client.requests

    def close(self) -> None:
        self._client.close()

    # --- the port: writes ------------------------------------------------------------------

    def invite(self, login: str, permission: str) -> Invitation | None:
        # 201 with the invitation, or 204 when the person already has access; 404 for a login
        # GitHub has no account of ("Add a repository collaborator", GitHub Docs; the recording
        # octokit-fixtures/add-and-remove-repository-collaborator shows the 201).
        try:
            _, data = self._client.send(
                "PUT",
                f"{self._base}/collaborators/{quote(login, safe='')}",
                action=f"invite {login}",
                need="administration",
                body={"permission": permission},
            )
        except GitHubError as error:
            if error.status == 404 and not isinstance(error, UnknownLoginError):
                # The repository was just read (a plan reads access first): the login is what
                # GitHub does not know.
                raise self._client.error(UnknownLoginError(login)) from None
            raise
        if not isinstance(data, dict) or not data.get("invitee"):
            return None
        # The 201 body has no `expired` (SPEC 8): it is the invitation just sent or the one still
        # pending, live either way, whatever this machine's clock says of its date.
        return mapping.invitation(data, self._client.now()).model_copy(update={"expired": False})

    def cancel_invitation(self, invitation_id: int) -> None:
        self._client.send(
            "DELETE",
            f"{self._base}/invitations/{invitation_id}",
            action=f"cancel invitation {invitation_id}",
            need="administration",
        )

    def remove_collaborator(self, login: str) -> None:
        self._client.send(
            "DELETE",
            f"{self._base}/collaborators/{quote(login, safe='')}",
            action=f"remove collaborator {login}",
            need="administration",
        )

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        # GitHub creates the labels the repository lacks as it applies them (the reference does
        # not say so). Without push access it "silently drops" the labels of a new issue ("Create
        # an issue", GitHub Docs), and the next run, blind to an unlabelled topic, would open it
        # again: the dropped labels are added on their own, which triage access allows.
        _, data = self._client.send(
            "POST",
            f"{self._base}/issues",
            action=f"open issue {title!r}",
            need="issues",
            body={"title": title, "body": body, "labels": list(labels)},
        )
        issue = mapping.rest_issue(data)
        self._node_ids[issue.number] = issue.node_id
        self._remember_labels(data.get("labels") or [], key="node_id")
        if _missing(labels, issue.labels):
            held = self._label(issue.number, _missing(labels, issue.labels))
            issue = issue.model_copy(update={"labels": held})
            if _missing(labels, held):
                raise self._client.error(
                    GitHubError(
                        f"GitHub opened issue #{issue.number} in {self._repository} but did not label it "
                        f"{', '.join(_missing(labels, held))}: the token's user needs triage access or more"
                    )
                )
        return issue

    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        self._label(number, labels)

    def create_label(self, name: str, color: str, description: str) -> None:
        # "Create a label" (REST API endpoints for labels, GitHub Docs): 201. A name the repository
        # has, whatever its case, is refused with 422 and the error code already_exists ("Client
        # errors", Getting started with the REST API): the label is there, which is all we want.
        _, data = self._client.send(
            "POST",
            f"{self._base}/labels",
            action=f"create label {name!r}",
            need="issues",
            body={"name": name, "color": color, "description": description},
            done_if=already_exists,
        )
        if isinstance(data, dict):
            self._remember_labels([data], key="node_id")

    def _label(self, number: int, labels: Sequence[str]) -> tuple[str, ...]:
        """Add labels to an issue; GitHub answers with every label the issue now has."""
        _, data = self._client.send(
            "POST",
            f"{self._base}/issues/{number}/labels",
            action=f"label issue #{number}",
            need="issues",
            body={"labels": list(labels)},
        )
        rows = data if isinstance(data, list) else []
        return tuple(str(row["name"]) for row in rows if isinstance(row, dict) and row.get("name"))

    def add_item(self, board: Board, issue: Issue) -> BoardItem:
        # A batch of one: the same request as the batches', checked the same way.
        return self.add_items(board, [issue])[0]

    def set_field(self, board: Board, item: BoardItem, field: BoardField, value: str | float) -> None:
        self.set_fields(board, [FieldValue(item, field, value)])  # a batch of one

    def set_fields(self, board: Board, values: Sequence[FieldValue]) -> None:
        check_batch(values)
        changes = [
            batch.Change(
                "set_fields",
                {
                    "projectId": board.id,
                    "itemId": v.item.id,
                    "fieldId": v.field.id,
                    "value": mapping.value_input(board, v.field, v.value),
                },
                f"set {v.field.name} of {item_name(v.item)}",
            )
            for v in values
        ]
        # One document with one aliased mutation per value: GitHub makes each one in turn, and one
        # that fails comes back as an error of its own while the others are made.
        batch.run(
            self._client,
            changes,
            action=f"set {values_name(values)} on board #{board.number}",
            need="projects",
        )

    def move_item(self, board: Board, item: BoardItem, after: BoardItem | None) -> None:
        self.move_items(board, [(item, after)])  # a batch of one

    def create_field(
        self, board: Board, name: str, type: FieldType, options: Sequence[str] = ()
    ) -> BoardField:
        check_creatable(board, name, type)
        kinds = {"number": "NUMBER", "text": "TEXT", "single_select": "SINGLE_SELECT"}
        data = self._client.graphql(
            "create_field",
            {
                "projectId": board.id,
                "name": name,
                "dataType": kinds[type],
                "options": [{"name": o, **NEW_OPTION} for o in options] if type == "single_select" else None,
            },
            action=f"create field {name!r} on board #{board.number}",
            need="projects",
            mutation=True,
        )
        return self._field((data.get("createProjectV2Field") or {}).get("projectV2Field") or {})

    def set_options(self, board: Board, field: BoardField, options: Sequence[str]) -> BoardField:
        # The options sent replace the field's options and GitHub gives every option a new id
        # (UpdateProjectV2FieldInput in GitHub's GraphQL reference; langwatch/langwatch#3330):
        # items lose the values they held, which the caller sets again. Colours are kept.
        kept = {o.name: self._options.get(o.id, NEW_OPTION) for o in field.options}
        data = self._client.graphql(
            "set_options",
            {
                "fieldId": field.id,
                "options": [{"name": name, **kept.get(name, NEW_OPTION)} for name in options],
            },
            action=f"set the options of {field.name} on board #{board.number}",
            need="projects",
            mutation=True,
        )
        return self._field((data.get("updateProjectV2Field") or {}).get("projectV2Field") or {})

    # --- the port: seat requests' replies (SPEC 4.6) -----------------------------------

    def post_comment(self, number: int, body: str) -> Comment:
        # "Create an issue comment" (REST API endpoints for issue comments, GitHub Docs): 201 with
        # the comment; its `id` is the 64-bit database id.
        _, data = self._client.send(
            "POST",
            f"{self._base}/issues/{number}/comments",
            action=f"comment on issue #{number}",
            need="issues",
            body={"body": body},
        )
        return mapping.rest_comment(number, data)

    def update_comment(self, comment_id: int, body: str) -> None:
        # "Update an issue comment": PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}.
        self._client.send(
            "PATCH",
            f"{self._base}/issues/comments/{comment_id}",
            action=f"update comment {comment_id}",
            need="issues",
            body={"body": body},
        )

    # --- the port: writes in batches (aliased GraphQL mutations, `p2p.github.batch`) ---------

    def add_items(self, board: Board, issues: Sequence[Issue]) -> tuple[BoardItem, ...]:
        check_mutations(len(issues), "cards")
        changes = [
            batch.Change(
                "add_items",
                {"projectId": board.id, "contentId": issue.node_id},
                f"put issue #{issue.number} on board #{board.number}",
            )
            for issue in issues
        ]
        answers = batch.run(
            self._client,
            changes,
            action=f"put {_issues_name(issues)} on board #{board.number}",
            need="projects",
        )
        fields = {f.id: f for f in board.fields}
        items = []
        for issue, answer in zip(issues, answers, strict=True):
            node = answer.get("item")
            if not node:
                raise self._client.error(
                    GitHubError(f"GitHub did not put issue #{issue.number} on board #{board.number}")
                )
            items.append(self._item(node, fields))
        return tuple(items)

    def move_items(self, board: Board, moves: Sequence[tuple[BoardItem, BoardItem | None]]) -> None:
        check_mutations(len(moves), "moves")
        changes = [
            batch.Change(
                "move_items",
                {"projectId": board.id, "itemId": item.id, "afterId": after.id if after else None},
                f"move {item_name(item)}",
            )
            for item, after in moves
        ]
        batch.run(
            self._client,
            changes,
            action=f"move {_count(len(moves), 'item')} on board #{board.number}",
            need="projects",
        )

    def add_labels_many(self, labels: Sequence[tuple[int, Sequence[str]]]) -> None:
        check_mutations(len(labels), "issues")
        if not labels:
            return
        # addLabelsToLabelable takes node ids: an issue this run has not read is labelled by number.
        unread = [(number, names) for number, names in labels if number not in self._node_ids]
        for number, names in unread:
            self._label(number, names)
        labels = [(number, names) for number, names in labels if number in self._node_ids]
        if not labels:
            return
        ids = self._label_ids_of([name for _, names in labels for name in names])
        changes = [
            batch.Change(
                "add_labels",
                {
                    "labelableId": self._node_ids[number],
                    "labelIds": list(dict.fromkeys(ids[n.casefold()] for n in names)),
                },
                f"label issue #{number} {', '.join(names)}",
            )
            for number, names in labels
        ]
        numbers = [number for number, _ in labels]
        batch.run(
            self._client,
            changes,
            action=f"label {_issues_name(numbers)} in {self._repository}",
            need="issues",
        )

    def _label_ids_of(self, names: Sequence[str]) -> dict[str, str]:
        """The node ids of labels by casefolded name. A label the run has not read is created (its
        REST answer carries its id) or, when it exists after all, looked up: one request each."""
        for name in dict.fromkeys(names):
            if name.casefold() in self._label_ids:
                continue
            # GitHub's default colour for a label made by labelling an issue with a new name.
            self.create_label(name, "ededed", "")
            if name.casefold() in self._label_ids:
                continue
            data = self._client.graphql(
                "label",
                {"owner": self.owner, "name": self.name, "label": name},
                action=f"read label {name!r}",
                need="issues",
            )
            found = (data.get("repository") or {}).get("label")
            if not found:
                raise self._client.error(GitHubError(f"GitHub has no label {name!r} in {self._repository}"))
            self._remember_labels([found])
        return {name.casefold(): self._label_ids[name.casefold()] for name in names}


def _missing(wanted: Sequence[str], held: Sequence[str]) -> list[str]:
    """The wanted labels an issue does not hold (label names compare whatever their case)."""
    have = {name.casefold() for name in held}
    return [name for name in wanted if name.casefold() not in have]


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _issues_name(issues: Sequence[Issue] | Sequence[int]) -> str:
    """The issues of a batch in words: "issue #5", or "50 issues"."""
    if len(issues) == 1:
        only = issues[0]
        return f"issue #{only if isinstance(only, int) else only.number}"
    return _count(len(issues), "issue")
