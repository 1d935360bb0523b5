"""The fake GitHub's GraphQL objects (issues, comments, actors, boards) over the state, as resolvers."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tests.fake.records import (
    EPOCH,
    GHOST,
    JSON,
    MESSAGES,
    REACTIONS,
    Comment,
    Field,
    GraphQLFailure,
    Issue,
    Item,
    Permission,
    Project,
    Reaction,
    TimelineEvent,
    User,
    iso,
    node_id,
)
from tests.fake.state import GitHubState


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _uncursor(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().rsplit(":", 1)[1])
    except (ValueError, IndexError):
        raise GraphQLFailure(
            f"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS"
        ) from None


# A role as GitHub's GraphQL enums name it: the effective RepositoryPermission of an edge, and
# the coarser DefaultRepositoryPermissionField of each of its sources.
_REPOSITORY_PERMISSION = {
    "pull": "READ",
    "triage": "TRIAGE",
    "push": "WRITE",
    "maintain": "MAINTAIN",
    "admin": "ADMIN",
}
_DEFAULT_PERMISSION = {
    "pull": "READ",
    "triage": "READ",
    "push": "WRITE",
    "maintain": "WRITE",
    "admin": "ADMIN",
}
_ROLE_NAME = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}


def _bot_graphql_login(login: str) -> str:
    # GraphQL names a Bot without the "[bot]" suffix that REST shows ("dependabot" vs "dependabot[bot]").
    return login.removesuffix("[bot]")


class GraphQLNodes(GitHubState):
    """GitHub's GraphQL objects over the state, as resolvers."""

    # --- queries -------------------------------------------------------------------------

    def _connection(
        self,
        name: str,
        nodes: Sequence[JSON],
        args: Mapping[str, Any],
        *,
        edge: Callable[[int], Mapping[str, JSON]] | None = None,
    ) -> JSON:
        first, last = args.get("first"), args.get("last")
        if first is None and last is None:
            raise GraphQLFailure(
                f"You must provide a `first` or `last` value to properly paginate the `{name}` connection.",
                "MISSING_PAGINATION_BOUNDARIES",
            )
        for bound, value in (("first", first), ("last", last)):
            if value is not None and value > 100:
                raise GraphQLFailure(
                    f"Requesting {value} records on the `{name}` connection exceeds the `{bound}` limit of "
                    "100 records.",
                    "EXCESSIVE_PAGINATION",
                )
        start = _uncursor(args["after"]) + 1 if args.get("after") else 0
        stop = _uncursor(args["before"]) if args.get("before") else len(nodes)
        window = list(range(start, min(stop, len(nodes))))
        page = window[:first] if first is not None else window
        if last is not None:
            page = page[-last:] if last else []
        edges = [{"cursor": _cursor(i), "node": nodes[i], **(edge(i) if edge else {})} for i in page]
        return {
            "edges": edges,
            "nodes": [nodes[i] for i in page],
            "totalCount": len(nodes),
            "pageInfo": {
                "hasNextPage": bool(page) and page[-1] < window[-1],
                "hasPreviousPage": start > 0 or (bool(page) and page[0] > start),
                "startCursor": _cursor(page[0]) if page else None,
                "endCursor": _cursor(page[-1]) if page else None,
            },
        }

    def _check(self, permission: Permission, what: str) -> None:
        if permission in self._denied:
            raise GraphQLFailure(f"{MESSAGES['forbidden']} ({what})", "FORBIDDEN")

    def _gql_author(self, login: str | None) -> JSON:
        """The author of an issue or a comment: null for a deleted account."""
        return None if self.is_deleted(login) or login is None else self._gql_actor(login)

    def _gql_actor(self, login: str, *, viewer: bool = False) -> JSON:
        return self._gql_account(self._user(login), viewer=viewer)

    def _gql_account(self, user: User, *, viewer: bool = False) -> JSON:
        typename = "User" if viewer else user.type
        shown = _bot_graphql_login(user.login) if typename == "Bot" else user.login
        actor: dict[str, JSON] = {
            "__typename": typename,
            "id": user.node_id,
            "databaseId": user.id,
            "login": shown,
            "name": None,
            "url": f"https://github.com/{shown}",
            "resourcePath": f"/{shown}",
            "avatarUrl": lambda info, size=None: f"https://avatars.githubusercontent.com/u/{user.id}",
        }
        if typename in ("User", "Organization"):
            actor["projectV2"] = lambda info, number: self._gql_project(user.login, number)
            actor["repository"] = lambda info, name, followRenames=True: self._gql_repository(
                user.login, name
            )
        return actor

    def _gql_owner(self, login: str, typename: str | None = None) -> JSON:
        user = self._users.get(login.casefold())
        if user is None or user.type == "Bot" or (typename is not None and user.type != typename):
            raise GraphQLFailure(
                f"Could not resolve to a {typename or 'User'} with the login of '{login}'.", "NOT_FOUND"
            )
        return self._gql_actor(user.login)

    def _gql_repository(self, owner: str, name: str) -> JSON:
        # followRenames defaults to true: an old name still finds the repository.
        former = (owner.casefold(), name.casefold()) in self._former
        if not former and (
            owner.casefold() != self.owner.casefold() or name.casefold() != self.name.casefold()
        ):
            raise GraphQLFailure(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND"
            )
        return {
            "__typename": "Repository",
            "id": node_id("R", self.repo_id),
            "databaseId": self.repo_id,
            "name": self.name,
            "nameWithOwner": f"{self.owner}/{self.name}",
            "url": f"https://github.com/{self.owner}/{self.name}",
            "owner": lambda info: self._gql_actor(self.owner),
            "issues": lambda info, **args: self._gql_issues(args),
            "issue": lambda info, number: self._gql_issue_by_number(number),
            "labels": lambda info, **args: self._connection(
                "labels",
                [
                    self._gql_label(label.name)
                    for label in self._labels.values()
                    if not args.get("query") or args["query"].casefold() in label.name.casefold()
                ],
                args,
            ),
            "label": lambda info, name: self._gql_label(name) if name.casefold() in self._labels else None,
            "collaborators": lambda info, **args: self._gql_collaborators(args),
        }

    def _gql_collaborators(self, args: Mapping[str, Any]) -> JSON:
        """Everyone with access and where it comes from (`permissionSources`): the repository
        itself for direct access, the Organization for its base permission or ownership, a Team.
        Listing them needs what REST's list needs: the Administration permission (read)."""
        self._check("administration", "collaborators")
        affiliation = args.get("affiliation") or "ALL"
        people = []
        for login in self.everyone_with_access:
            found = self.access_of(login)
            assert found is not None
            role, direct, grants = found
            if (affiliation == "DIRECT" and direct is None) or (affiliation == "OUTSIDE" and grants):
                continue
            if args.get("login") and args["login"].casefold() != login.casefold():
                continue
            people.append((login, role, direct, grants))
        organization = self._gql_actor(self.owner) if self.owner_is_organization else None

        def edge(index: int) -> Mapping[str, JSON]:
            _, role, direct, grants = people[index]
            sources = []
            if direct is not None:
                sources.append(self._permission_source(direct, self._gql_repository(self.owner, self.name)))
            for granted, team in grants:
                granter = organization if team is None else self._gql_team(team)
                sources.append(self._permission_source(granted, granter))
            return {"permission": _REPOSITORY_PERMISSION[role], "permissionSources": sources}

        return self._connection(
            "collaborators", [self._gql_actor(login) for login, *_ in people], args, edge=edge
        )

    def _permission_source(self, role: str, granter: JSON) -> JSON:
        return {
            "organization": self._gql_actor(self.owner),
            "permission": _DEFAULT_PERMISSION[role],
            "roleName": _ROLE_NAME[role],
            "source": granter,
        }

    def _gql_team(self, slug: str) -> JSON:
        return {
            "__typename": "Team",
            "id": node_id("T", self._owner_id, sum(slug.encode())),
            "name": slug,
            "slug": slug,
            "organization": lambda info: self._gql_actor(self.owner),
        }

    def _gql_issues(self, args: Mapping[str, Any]) -> JSON:
        self._check("issues", "issues")
        filters = args.get("filterBy") or {}
        labels = args.get("labels") or filters.get("labels")
        states = args.get("states") or filters.get("states")
        created_by = filters.get("createdBy")
        wanted = {name.casefold() for name in labels} if labels else None
        chosen = [
            issue
            for issue in sorted(self._issues.values(), key=lambda i: i.number)
            # GraphQL's `labels` argument matches issues with ANY of the labels.
            if (wanted is None or any(label.casefold() in wanted for label in issue.labels))
            and (not states or issue.state.upper() in states)
            and (created_by is None or issue.author.casefold() == created_by.casefold())
        ]
        order = args.get("orderBy")
        if order and order.get("direction") == "DESC":
            chosen.reverse()
        return self._connection("issues", [self._gql_issue(issue) for issue in chosen], args)

    def _gql_issue_by_number(self, number: int) -> JSON:
        self._check("issues", "issue")
        issue = self._issues.get(number)
        if issue is None:
            raise GraphQLFailure(f"Could not resolve to an Issue with the number of {number}.", "NOT_FOUND")
        return self._gql_issue(issue)

    def _gql_label(self, name: str) -> JSON:
        label = self.add_label(name)
        return {
            "__typename": "Label",
            "id": label.node_id,
            "name": label.name,
            "color": label.color,
            "description": label.description,
        }

    def _gql_issue(self, issue: Issue) -> JSON:
        def reaction_groups(info: Any) -> list[JSON]:
            groups = []
            for content, enum in REACTIONS.items():
                reactions = sorted(
                    (r for r in issue.reactions if r.content == content), key=lambda r: r.created_at
                )
                groups.append(
                    {
                        "content": enum,
                        "createdAt": iso(reactions[0].created_at) if reactions else None,
                        "viewerHasReacted": any(
                            r.login.casefold() == self.viewer.casefold() for r in reactions
                        ),
                        "reactors": self._reactors(reactions),
                    }
                )
            return groups

        def reactions(info: Any, content: str | None = None, **args: Any) -> JSON:
            chosen = sorted(
                (r for r in issue.reactions if content is None or REACTIONS[r.content] == content),
                key=lambda r: r.created_at,
            )
            nodes = [
                {
                    "__typename": "Reaction",
                    "id": r.node_id,
                    "databaseId": r.id,
                    "content": REACTIONS[r.content],
                    "createdAt": iso(r.created_at),
                    # Reaction.user is a User: a Bot's reaction has none.
                    "user": self._gql_actor(r.login)
                    if r.user_type == "User" and not self.is_deleted(r.login)
                    else None,
                }
                for r in chosen
            ]
            return self._connection("reactions", nodes, args)

        def comments(info: Any, **args: Any) -> JSON:
            chosen = [c for c in self._comments.values() if c.issue == issue.number]
            return self._connection("comments", [self._gql_comment(c) for c in chosen], args)

        def timeline_items(info: Any, itemTypes: Sequence[str] | None = None, **args: Any) -> JSON:
            kinds = {"labeled": "LABELED_EVENT", "unlabeled": "UNLABELED_EVENT", "closed": "CLOSED_EVENT",
                     "reopened": "REOPENED_EVENT"}  # fmt: skip
            chosen = [e for e in issue.events if itemTypes is None or kinds[e.kind] in itemTypes]
            nodes = [self._gql_timeline_event(e) for e in sorted(chosen, key=lambda e: e.created_at)]
            connection = self._connection("timelineItems", nodes, args)
            return {**connection, "filteredCount": len(nodes)}

        state_reason = issue.state_reason.upper() if issue.state_reason else None
        return {
            "__typename": "Issue",
            "id": issue.node_id,
            "databaseId": issue.id,
            "fullDatabaseId": str(issue.id),
            "number": issue.number,
            "title": issue.title,
            "body": issue.body,
            "state": issue.state.upper(),
            # Which reason GitHub shows for a duplicate without enableDuplicate, its reference does
            # not say (the toolkit always asks for it): a guess.
            "stateReason": lambda info, enableDuplicate=False: (
                "COMPLETED" if state_reason == "DUPLICATE" and not enableDuplicate else state_reason
            ),
            "author": self._gql_author(issue.author),
            "url": f"https://github.com/{self.owner}/{self.name}/issues/{issue.number}",
            "createdAt": iso(issue.created_at),
            "updatedAt": iso(issue.updated_at),
            "closedAt": iso(issue.closed_at) if issue.closed_at else None,
            "closed": issue.state == "closed",
            "milestone": None,
            "assignees": lambda info, **args: self._connection("assignees", [], args),
            "labels": lambda info, **args: self._connection(
                "labels", [self._gql_label(n) for n in issue.labels], args
            ),
            "reactionGroups": reaction_groups,
            "reactions": reactions,
            "comments": comments,
            "timelineItems": timeline_items,
            "repository": lambda info: self._gql_repository(self.owner, self.name),
        }

    def _reactors(self, reactions: list[Reaction]) -> Callable[..., JSON]:
        def reactors(info: Any, **args: Any) -> JSON:
            return self._connection(
                "reactors",
                # ReactorEdge.node is a non-null Reactor in GitHub's GraphQL schema: a deleted
                # account's reaction cannot show a null there, and shows the "ghost" user, as REST does.
                [
                    self._gql_account(GHOST) if self.is_deleted(r.login) else self._gql_actor(r.login)
                    for r in reactions
                ],
                args,
                edge=lambda i: {"reactedAt": iso(reactions[i].created_at)},
            )

        return reactors

    def _gql_comment(self, comment: Comment) -> JSON:
        return {
            "__typename": "IssueComment",
            "id": comment.node_id,
            "databaseId": comment.id,
            "fullDatabaseId": str(comment.id),
            "body": comment.body,
            "author": self._gql_author(comment.author),
            "createdAt": iso(comment.created_at),
            "updatedAt": iso(comment.updated_at),
            "url": f"https://github.com/{self.owner}/{self.name}/issues/{comment.issue}#issuecomment-{comment.id}",
            "issue": lambda info: self._gql_issue(self._issues[comment.issue]),
            "viewerDidAuthor": comment.author is not None
            and comment.author.casefold() == self.viewer.casefold(),
        }

    def _gql_timeline_event(self, event: TimelineEvent) -> JSON:
        typename = {"labeled": "LabeledEvent", "unlabeled": "UnlabeledEvent", "closed": "ClosedEvent",
                    "reopened": "ReopenedEvent"}[event.kind]  # fmt: skip
        node: dict[str, JSON] = {
            "__typename": typename,
            "id": event.node_id,
            "actor": self._gql_author(event.actor),
            "createdAt": iso(event.created_at),
        }
        if event.label is not None:
            node["label"] = self._gql_label(event.label)
        if event.kind in ("closed", "reopened"):
            node["stateReason"] = event.state_reason.upper() if event.state_reason else None
        if event.kind == "closed":
            node["url"] = f"https://github.com/{self.owner}/{self.name}/issues/{event.id}"
        return node

    def _gql_node_or_failure(self, node_id: str) -> JSON:
        """One of `nodes(ids:)`: an id that resolves to nothing is a null in the list and a
        NOT_FOUND error at its index, as `node(id:)` reports it."""
        try:
            return self._gql_node(node_id)
        except GraphQLFailure as failure:
            return failure

    def _gql_node(self, node_id: str, *, strict: bool = True) -> JSON:
        for issue in self._issues.values():
            if issue.node_id == node_id:
                self._check("issues", "node")
                return self._gql_issue(issue)
        for comment in self._comments.values():
            if comment.node_id == node_id:
                return self._gql_comment(comment)
        for project in self._projects.values():
            if project.id == node_id:
                self._check("projects", "node")
                return self._gql_project_node(project)
            for item in project.items:
                if item.id == node_id:
                    self._check("projects", "node")
                    return self._gql_item(project, item)
        if not strict:
            return None
        raise GraphQLFailure(f"Could not resolve to a node with the global id of '{node_id}'", "NOT_FOUND")

    # --- Projects (v2) -------------------------------------------------------------------

    def _gql_project(self, owner: str, number: int) -> JSON:
        self._check("projects", "projectV2")
        project = self._projects.get(number) if owner.casefold() == self.owner.casefold() else None
        if project is None or self._projects_hidden:
            raise GraphQLFailure(f"Could not resolve to a ProjectV2 with the number {number}.", "NOT_FOUND")
        return self._gql_project_node(project)

    def _gql_project_node(self, project: Project) -> JSON:
        return {
            "__typename": "ProjectV2",
            "id": project.id,
            "databaseId": project.database_id,
            "number": project.number,
            "title": project.title,
            "closed": False,
            "viewerCanUpdate": not self._projects_read_only,
            "url": f"https://github.com/orgs/{self.owner}/projects/{project.number}",
            "owner": lambda info: self._gql_actor(self.owner),
            "fields": lambda info, **args: self._connection(
                "fields", [self._gql_field(project, f) for f in project.fields], args
            ),
            "field": lambda info, name: next(
                (self._gql_field(project, f) for f in project.fields if f.name == name), None
            ),
            "items": lambda info, **args: self._connection(
                "items", [self._gql_item(project, item) for item in project.items], args
            ),
        }

    def _gql_field(self, project: Project, target: Field) -> JSON:
        typename = (
            "ProjectV2SingleSelectField"
            if target.data_type == "SINGLE_SELECT"
            else ("ProjectV2IterationField" if target.data_type == "ITERATION" else "ProjectV2Field")
        )
        made: dict[str, JSON] = {
            "__typename": typename,
            "id": target.id,
            "databaseId": target.database_id,
            "name": target.name,
            "dataType": target.data_type,
            "createdAt": iso(EPOCH),
            "updatedAt": iso(EPOCH),
            "project": lambda info: self._gql_project_node(project),
        }
        if target.data_type == "ITERATION":
            # A new iteration field's configuration: no iterations planned yet, two weeks each.
            made["configuration"] = {
                "iterations": [],
                "completedIterations": [],
                "duration": 14,
                "startDay": 1,
            }
        if target.data_type == "SINGLE_SELECT":
            made["options"] = lambda info, names=None: [
                {
                    "id": o.id,
                    "name": o.name,
                    "nameHTML": o.name,
                    "color": o.color,
                    "description": o.description,
                    "descriptionHTML": o.description,
                }
                for o in target.options
                if names is None or o.name in names
            ]
        return made

    def _gql_item(self, project: Project, item: Item) -> JSON:
        def values(info: Any, **args: Any) -> JSON:
            nodes: list[JSON] = []
            for target in project.fields:
                value = self._gql_value(project, item, target)
                if value is not None:
                    nodes.append(value)
            return self._connection("fieldValues", nodes, args)

        def by_name(info: Any, name: str) -> JSON:
            target = project.field_named(name)
            return None if target is None else self._gql_value(project, item, target)

        content: JSON
        if item.issue is not None and item.issue in self._issues:
            content = self._gql_issue(self._issues[item.issue])
        else:
            content = {
                "__typename": "DraftIssue",
                "id": item.content,
                "title": "Draft",
                "body": "",
                "createdAt": iso(EPOCH),
                "updatedAt": iso(EPOCH),
                "creator": lambda info: self._gql_actor(self.viewer),
                "assignees": lambda info, **args: self._connection("assignees", [], args),
            }
        return {
            "__typename": "ProjectV2Item",
            "id": item.id,
            "createdAt": iso(EPOCH),
            "isArchived": False,
            "type": "ISSUE" if item.issue is not None else "DRAFT_ISSUE",
            "content": content,
            "fieldValues": values,
            "fieldValueByName": by_name,
            "project": lambda info: self._gql_project_node(project),
        }

    def _gql_value(self, project: Project, item: Item, target: Field) -> JSON:
        common = {
            "id": f"PVTFV_{item.id}_{target.database_id}",
            "field": self._gql_field(project, target),
            "createdAt": iso(EPOCH),
            "updatedAt": iso(EPOCH),
            "databaseId": target.database_id,
            "creator": None,
            "item": lambda info: self._gql_item(project, item),
        }
        issue = self._issues.get(item.issue) if item.issue is not None else None
        if target.data_type == "TITLE":
            title = issue.title if issue is not None else "Draft"
            return {"__typename": "ProjectV2ItemFieldTextValue", "text": title, **common}
        if target.data_type == "LABELS":
            if issue is None or not issue.labels:
                return None
            return {
                "__typename": "ProjectV2ItemFieldLabelValue",
                "field": common["field"],
                "labels": lambda info, **args: self._connection(
                    "labels", [self._gql_label(n) for n in issue.labels], args
                ),
            }
        if target.data_type == "REPOSITORY":
            if issue is None:
                return None
            return {
                "__typename": "ProjectV2ItemFieldRepositoryValue",
                "field": common["field"],
                "repository": lambda info: self._gql_repository(self.owner, self.name),
            }
        if target.id not in item.values:
            return None
        value = item.values[target.id]
        if target.data_type == "TEXT":
            return {"__typename": "ProjectV2ItemFieldTextValue", "text": value, **common}
        if target.data_type == "NUMBER":
            return {"__typename": "ProjectV2ItemFieldNumberValue", "number": float(value), **common}
        if target.data_type == "DATE":
            return {"__typename": "ProjectV2ItemFieldDateValue", "date": value, **common}
        if target.data_type == "SINGLE_SELECT":
            option = next((o for o in target.options if o.id == value), None)
            if option is None:
                return None
            return {
                "__typename": "ProjectV2ItemFieldSingleSelectValue",
                "name": option.name,
                "nameHTML": option.name,
                "optionId": option.id,
                "color": option.color,
                "description": option.description,
                "descriptionHTML": option.description,
                **common,
            }
        return None

    def _project_by_id(self, project_id: str) -> Project:
        self._check("projects", "mutation")
        project = next((p for p in self._projects.values() if p.id == project_id), None)
        if project is None or self._projects_hidden:
            raise GraphQLFailure(
                f"Could not resolve to a node with the global id of '{project_id}'", "NOT_FOUND"
            )
        return project

    @staticmethod
    def _item_by_id(project: Project, item_id: str) -> Item:
        item = next((i for i in project.items if i.id == item_id), None)
        if item is None:
            raise GraphQLFailure(
                f"Could not resolve to a node with the global id of '{item_id}'", "NOT_FOUND"
            )
        return item
