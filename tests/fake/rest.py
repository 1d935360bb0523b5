"""The fake GitHub's REST API: its routes, GitHub's JSON shapes, and each endpoint over the state."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import cache
from urllib.parse import urlencode

from tests.fake.records import (
    DOCS,
    EPOCH,
    GHOST,
    INVITATION_PERMISSION,
    JSON,
    MESSAGES,
    REACTIONS,
    ROLE_RANK,
    Comment,
    HTTPError,
    Invitation,
    Issue,
    Reply,
    User,
    iso,
    node_id,
)
from tests.fake.state import GitHubState


class RestAPI(GitHubState):
    """The REST endpoints the toolkit uses, answered from the state."""

    # --- routes --------------------------------------------------------------------------

    @cache  # noqa: B019 - one table per fake
    def _routes(
        self,
    ) -> list[
        tuple[str, re.Pattern[str], Callable[[re.Match[str], dict[str, str], JSON], Reply], str | None]
    ]:
        repo = r"(?:/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)|/repositories/(?P<repo_id>\d+))"
        table: list[tuple[str, str, Callable[[re.Match[str], dict[str, str], JSON], Reply], str | None]] = [
            ("GET", r"/user", self._get_viewer, None),
            ("GET", r"/users/(?P<login>[^/]+)", self._get_user, None),
            ("GET", r"/rate_limit", self._get_rate_limit, None),
            ("GET", repo, self._get_repository, None),
            ("PATCH", repo, self._patch_repository, "administration"),
            ("PATCH", r"/user/repository_invitations/(?P<id>\d+)", self._accept_invitation, None),
            ("GET", repo + r"/collaborators", self._list_collaborators, "administration"),
            ("GET", repo + r"/collaborators/(?P<login>[^/]+)", self._check_collaborator, None),
            ("GET", repo + r"/collaborators/(?P<login>[^/]+)/permission", self._get_permission, None),
            ("PUT", repo + r"/collaborators/(?P<login>[^/]+)", self._put_collaborator, "administration"),
            (
                "DELETE",
                repo + r"/collaborators/(?P<login>[^/]+)",
                self._delete_collaborator,
                "administration",
            ),
            ("GET", repo + r"/invitations", self._list_invitations, "administration"),
            ("PATCH", repo + r"/invitations/(?P<id>\d+)", self._patch_invitation, "administration"),
            ("DELETE", repo + r"/invitations/(?P<id>\d+)", self._delete_invitation, "administration"),
            ("GET", repo + r"/issues", self._list_issues, "issues"),
            ("POST", repo + r"/issues", self._create_issue, "issues"),
            ("GET", repo + r"/issues/(?P<number>\d+)", self._get_issue, "issues"),
            ("PATCH", repo + r"/issues/(?P<number>\d+)", self._patch_issue, "issues"),
            ("GET", repo + r"/issues/(?P<number>\d+)/labels", self._list_issue_labels, "issues"),
            ("POST", repo + r"/issues/(?P<number>\d+)/labels", self._add_issue_labels, "issues"),
            ("PUT", repo + r"/issues/(?P<number>\d+)/labels", self._set_issue_labels, "issues"),
            (
                "DELETE",
                repo + r"/issues/(?P<number>\d+)/labels/(?P<label>[^/]+)",
                self._remove_issue_label,
                "issues",
            ),
            ("GET", repo + r"/issues/(?P<number>\d+)/reactions", self._list_reactions, "issues"),
            ("GET", repo + r"/issues/(?P<number>\d+)/comments", self._list_comments, "issues"),
            ("POST", repo + r"/issues/(?P<number>\d+)/comments", self._create_comment, "issues"),
            ("GET", repo + r"/issues/comments/(?P<id>\d+)", self._get_comment, "issues"),
            ("PATCH", repo + r"/issues/comments/(?P<id>\d+)", self._update_comment, "issues"),
            ("GET", repo + r"/labels", self._list_labels, "issues"),
            ("POST", repo + r"/labels", self._create_label, "issues"),
            ("GET", repo + r"/labels/(?P<label>[^/]+)", self._get_label, "issues"),
            ("PATCH", repo + r"/labels/(?P<label>[^/]+)", self._patch_label, "issues"),
            ("DELETE", repo + r"/labels/(?P<label>[^/]+)", self._delete_label, "issues"),
        ]
        return [(m, re.compile(p), h, c) for m, p, h, c in table]

    # --- JSON shapes ---------------------------------------------------------------------

    def _user_json(self, login: str | None) -> JSON:
        """An account as REST shows it: a deleted one (None, or deleted since) as GitHub's "ghost"."""
        return self._account_json(GHOST if self.is_deleted(login) or login is None else self._user(login))

    def _account_json(self, user: User) -> JSON:
        # The "simple user" of GitHub's answers, every key of it (recording octokit-fixtures
        # add-and-remove-repository-collaborator).
        at = f"{self.api_url}/users/{user.login}"
        return {
            "login": user.login,
            "id": user.id,
            "node_id": user.node_id,
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "gravatar_id": "",
            "url": at,
            "html_url": f"https://github.com/{user.login}",
            "followers_url": f"{at}/followers",
            "following_url": f"{at}/following{{/other_user}}",
            "gists_url": f"{at}/gists{{/gist_id}}",
            "starred_url": f"{at}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{at}/subscriptions",
            "organizations_url": f"{at}/orgs",
            "repos_url": f"{at}/repos",
            "events_url": f"{at}/events{{/privacy}}",
            "received_events_url": f"{at}/received_events",
            "type": user.type,
            "site_admin": False,
        }

    def _minimal_repository_json(self) -> JSON:
        """The repository as an invitation shows it (recording add-and-remove-repository-collaborator)."""
        at = f"{self.api_url}/repos/{self.owner}/{self.name}"
        templates = {
            "forks_url": "/forks",
            "keys_url": "/keys{/key_id}",
            "collaborators_url": "/collaborators{/collaborator}",
            "teams_url": "/teams",
            "hooks_url": "/hooks",
            "issue_events_url": "/issues/events{/number}",
            "events_url": "/events",
            "assignees_url": "/assignees{/user}",
            "branches_url": "/branches{/branch}",
            "tags_url": "/tags",
            "blobs_url": "/git/blobs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "trees_url": "/git/trees{/sha}",
            "statuses_url": "/statuses/{sha}",
            "languages_url": "/languages",
            "stargazers_url": "/stargazers",
            "contributors_url": "/contributors",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "commits_url": "/commits{/sha}",
            "git_commits_url": "/git/commits{/sha}",
            "comments_url": "/comments{/number}",
            "issue_comment_url": "/issues/comments{/number}",
            "contents_url": "/contents/{+path}",
            "compare_url": "/compare/{base}...{head}",
            "merges_url": "/merges",
            "archive_url": "/{archive_format}{/ref}",
            "downloads_url": "/downloads",
            "issues_url": "/issues{/number}",
            "pulls_url": "/pulls{/number}",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "labels_url": "/labels{/name}",
            "releases_url": "/releases{/id}",
            "deployments_url": "/deployments",
        }
        return {
            "id": self.repo_id,
            "node_id": node_id("R", self.repo_id),
            "name": self.name,
            "full_name": f"{self.owner}/{self.name}",
            "private": False,
            "owner": self._user_json(self.owner),
            "html_url": f"https://github.com/{self.owner}/{self.name}",
            "description": self.description,
            "fork": False,
            "url": at,
            **{key: at + tail for key, tail in templates.items()},
        }

    def _repository_json(self, *, patched: bool = False) -> JSON:
        """The full repository (recording rename-repository): a PATCH's answer lacks
        temp_clone_token, which a GET's has."""
        web = f"https://github.com/{self.owner}/{self.name}"
        counts = sum(1 for i in self._issues.values() if i.state == "open")
        full: dict[str, JSON] = {
            **self._minimal_repository_json(),
            "created_at": iso(EPOCH),
            "updated_at": iso(self.now),
            "pushed_at": iso(EPOCH),
            "git_url": f"git://github.com/{self.owner}/{self.name}.git",
            "ssh_url": f"git@github.com:{self.owner}/{self.name}.git",
            "clone_url": f"{web}.git",
            "svn_url": web,
            "homepage": None,
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": True,
            "has_projects": True,
            "has_downloads": True,
            "has_wiki": True,
            "has_pages": False,
            "forks_count": 0,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": counts,
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": [],
            "visibility": "public",
            "forks": 0,
            "open_issues": counts,
            "watchers": 0,
            "default_branch": "main",
            "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
            "temp_clone_token": "",
            "allow_squash_merge": True,
            "allow_merge_commit": True,
            "allow_rebase_merge": True,
            "allow_auto_merge": False,
            "delete_branch_on_merge": False,
            "allow_update_branch": False,
            "use_squash_pr_title_as_default": False,
        }
        if self.owner_is_organization:
            full["organization"] = self._user_json(self.owner)
        full["network_count"] = 0
        full["subscribers_count"] = 0
        if patched:
            del full["temp_clone_token"]
        return full

    def _label_json(self, name: str) -> JSON:
        label = self.add_label(name)
        return {
            "id": label.id,
            "node_id": label.node_id,
            "url": f"{self.api_url}/repos/{self.owner}/{self.name}/labels/{label.name}",
            "name": label.name,
            "color": label.color,
            "default": False,
            "description": label.description,
        }

    def _issue_json(self, issue: Issue) -> JSON:
        base = f"{self.api_url}/repos/{self.owner}/{self.name}"
        counts = {content: sum(1 for r in issue.reactions if r.content == content) for content in REACTIONS}
        return {
            "id": issue.id,
            "node_id": issue.node_id,
            "url": f"{base}/issues/{issue.number}",
            "repository_url": base,
            "labels_url": f"{base}/issues/{issue.number}/labels{{/name}}",
            "comments_url": f"{base}/issues/{issue.number}/comments",
            "events_url": f"{base}/issues/{issue.number}/events",
            "html_url": f"https://github.com/{self.owner}/{self.name}/issues/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            # An issue without a body has a null one (recording add-labels-to-issue).
            "body": issue.body or None,
            "user": self._user_json(issue.author),
            "labels": [self._label_json(name) for name in issue.labels],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "active_lock_reason": None,
            "comments": sum(1 for c in self._comments.values() if c.issue == issue.number),
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "closed_at": iso(issue.closed_at) if issue.closed_at else None,
            "closed_by": self._user_json(self.viewer) if issue.closed_at else None,
            "author_association": "OWNER" if issue.author == self.viewer else "COLLABORATOR",
            "reactions": {
                "url": f"{base}/issues/{issue.number}/reactions",
                "total_count": len(issue.reactions),
                **counts,
            },
            "timeline_url": f"{base}/issues/{issue.number}/timeline",
            "performed_via_github_app": None,
        }

    def _invitation_json(self, invitation: Invitation, *, created: bool = False) -> JSON:
        """An invitation; the 201 answer to PUT /collaborators has no `expired` key, which GET
        /invitations has (recording add-and-remove-repository-collaborator; SPEC 8)."""
        say_expired = self.invitations_say_expired and not created
        return {
            "id": invitation.id,
            "node_id": invitation.node_id,
            "repository": self._minimal_repository_json(),
            "invitee": self._user_json(invitation.login),
            "inviter": self._user_json(self.viewer),
            "permissions": invitation.permission,
            "created_at": iso(invitation.created_at),
            **({"expired": invitation.expired} if say_expired else {}),
            "url": f"{self.api_url}/user/repository_invitations/{invitation.id}",
            "html_url": f"https://github.com/{self.owner}/{self.name}/invitations",
        }

    def _comment_json(self, comment: Comment) -> JSON:
        return {
            "id": comment.id,
            "node_id": comment.node_id,
            "url": f"{self.api_url}/repos/{self.owner}/{self.name}/issues/comments/{comment.id}",
            "html_url": f"https://github.com/{self.owner}/{self.name}/issues/{comment.issue}#issuecomment-{comment.id}",
            "issue_url": f"{self.api_url}/repos/{self.owner}/{self.name}/issues/{comment.issue}",
            "body": comment.body,
            "user": self._user_json(comment.author),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "author_association": "COLLABORATOR",
        }

    def _page(self, path: str, query: dict[str, str], items: Sequence[JSON]) -> Reply:
        """One page of a list, with GitHub's Link header ("Using pagination in the REST API")."""
        try:
            per_page = min(int(query.get("per_page", 30)), 100)
            page = max(int(query.get("page", 1)), 1)
        except ValueError:
            raise HTTPError(422, "Invalid request.") from None
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = list(items[(page - 1) * per_page : page * per_page])
        links = []
        # GitHub's Link URLs address the repository by id: /repositories/1296269/...
        local = re.sub(r"^/repos/[^/]+/[^/]+", f"/repositories/{self.repo_id}", path)

        def link(number: int, rel: str) -> str:
            params = {**query, "per_page": str(per_page), "page": str(number)}
            return f'<{self.api_url}{local}?{urlencode(params)}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        return 200, ({"Link": ", ".join(links)} if links else {}), chunk

    def _issue(self, match: re.Match[str]) -> Issue:
        issue = self._issues.get(int(match["number"]))
        if issue is None:
            raise HTTPError(404, MESSAGES[404])
        return issue

    @staticmethod
    def _path(match: re.Match[str]) -> str:
        return match.string

    # --- handlers ------------------------------------------------------------------------

    def _get_viewer(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return 200, {}, self._user_json(self.viewer)

    def _get_user(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return 200, {}, self._user_json(match["login"])

    def _get_rate_limit(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        core = {"limit": 5000, "remaining": 4999, "reset": int(time.time()) + 3600, "used": 1}
        return 200, {}, {"resources": {"core": core, "graphql": core}, "rate": core}

    def _get_repository(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return 200, {}, self._repository_json()

    def _patch_repository(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        """ "Update a repository": a new name renames it (the old one then redirects)."""
        body = body or {}
        if body.get("name") and body["name"] != self.name:
            self.rename(str(body["name"]))
        if "description" in body:
            self.description = body["description"]
        return 200, {}, self._repository_json(patched=True)

    def _accept_invitation(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        """The invitee accepts (their own token: "Accept a repository invitation", 204)."""
        invitation = self._invitations.get(int(match["id"]))
        if invitation is None:
            raise HTTPError(404, MESSAGES[404])
        self.accept_invitation(invitation.login)
        return 204, {}, None

    def _list_collaborators(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        # affiliation=all by default: people with access through the organization are listed too
        # ("List repository collaborators", GitHub Docs).
        affiliation = query.get("affiliation", "all")
        rows = []
        for login in self.everyone_with_access:
            found = self.access_of(login)
            assert found is not None
            role, direct, grants = found
            if affiliation == "direct" and direct is None:
                continue
            if affiliation == "outside" and grants:
                continue
            rank = ROLE_RANK.index(role) if role in ROLE_RANK else 0
            rows.append(
                {
                    **self._user_json(login),
                    "permissions": {
                        name: ROLE_RANK.index(name) <= rank
                        for name in ("pull", "triage", "push", "maintain", "admin")
                    },
                    "role_name": {"pull": "read", "push": "write"}.get(role, role),
                }
            )
        return self._page(self._path(match), query, rows)

    def _check_collaborator(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if self.access_of(match["login"]) is not None:
            return 204, {}, None
        raise HTTPError(404, MESSAGES[404])

    def _get_permission(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        entry = self._collaborators.get(match["login"].casefold())
        role = entry[1] if entry else "none"
        permission = {"pull": "read", "triage": "read", "push": "write", "maintain": "write"}.get(role, role)
        return 200, {}, {"permission": permission, "role_name": role, "user": self._user_json(match["login"])}

    def _put_collaborator(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        login = match["login"]
        key = login.casefold()
        requested = (body or {}).get("permission", "push")
        if requested not in ROLE_RANK:
            raise HTTPError(
                422,
                "Validation Failed",
                errors=[{"resource": "Repository", "code": "invalid", "field": "permission"}],
                docs=DOCS["collaborators"],
            )
        if not self.knows(login):
            # "Add a repository collaborator" (GitHub Docs) answers 404 Resource not found for a
            # login GitHub has no account of: misspelt, renamed or deleted.
            raise HTTPError(404, MESSAGES[404], docs=DOCS["collaborators"])
        # On a personal account's repository every collaborator gets write access.
        role = requested if self.owner_is_organization else "push"
        if key in self._collaborators:
            # 204: "an existing collaborator is added as a collaborator" or their permission changes
            # ("Add a repository collaborator", GitHub Docs).
            self._collaborators[key] = (self._collaborators[key][0], role)
            return 204, {}, None
        if key in self._org_access:
            # 204 for an organization member, who becomes a direct collaborator with no invitation
            # ("Add a repository collaborator": "Adding an outside collaborator ... sends an
            # invitation"; members are added directly).
            self._collaborators[key] = (self._org_access[key][0][0], role)
            return 204, {}, None
        pending = self.invitation_for(login)
        if pending is not None and not pending.expired:
            pending.permission = INVITATION_PERMISSION[role]
            return 201, {}, self._invitation_json(pending, created=True)
        window_start = self.now - timedelta(hours=24)
        if sum(1 for sent in self._sent if sent > window_start) >= self.invitation_limit:
            # 50 invitations per repository per 24 hours ("Add a repository collaborator", GitHub Docs).
            raise HTTPError(
                422,
                "Validation Failed",
                errors=[
                    {
                        "resource": "Repository",
                        "code": "custom",
                        "field": "invitee",
                        "message": MESSAGES["invitations"],
                    }
                ],
                docs=DOCS["collaborators"],
            )
        if pending is not None:
            del self._invitations[pending.id]
        self._user(login)
        invitation = Invitation(
            next(self._ids),
            self._user(login).login,
            INVITATION_PERMISSION[role],
            self.now,
            now=lambda: self.now,
        )
        self._invitations[invitation.id] = invitation
        self._sent.append(self.now)
        return 201, {}, self._invitation_json(invitation, created=True)

    def _delete_collaborator(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        # Removing a collaborator also cancels their outstanding invitations ("Remove a
        # repository collaborator", GitHub Docs).
        login = match["login"]
        pending = self.invitation_for(login)
        if pending is not None:
            del self._invitations[pending.id]
        elif self.access_of(login) is None:
            raise HTTPError(404, MESSAGES[404])
        # Only direct access goes: what the organization gives stays, though GitHub answers 204.
        self._collaborators.pop(login.casefold(), None)
        return 204, {}, None

    def _list_invitations(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return self._page(
            self._path(match), query, [self._invitation_json(i) for i in self._invitations.values()]
        )

    def _patch_invitation(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        invitation = self._invitations.get(int(match["id"]))
        if invitation is None:
            raise HTTPError(404, MESSAGES[404])
        if "permissions" in (body or {}):
            invitation.permission = body["permissions"]
        return 200, {}, self._invitation_json(invitation)

    def _delete_invitation(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if self._invitations.pop(int(match["id"]), None) is None:
            raise HTTPError(404, MESSAGES[404])
        return 204, {}, None

    def _list_issues(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        state = query.get("state", "open")
        wanted = [name.casefold() for name in query.get("labels", "").split(",") if name]
        issues = [
            issue
            for issue in self._issues.values()
            if (state == "all" or issue.state == state)
            and all(any(label.casefold() == w for label in issue.labels) for w in wanted)
            and ("creator" not in query or issue.author.casefold() == query["creator"].casefold())
        ]
        # Default order: newest first (sort=created, direction=desc).
        reverse = query.get("direction", "desc") == "desc"
        issues.sort(key=lambda i: i.number, reverse=reverse)
        # A listed issue has no closed_by, which the issue itself shows (recording paginate-issues).
        rows = [{k: v for k, v in self._issue_json(i).items() if k != "closed_by"} for i in issues]
        return self._page(self._path(match), query, rows)

    def _create_issue(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if not isinstance(body, dict) or not body.get("title"):
            raise HTTPError(422, 'Invalid request.\n\n"title" wasn\'t supplied.')
        number = self.add_issue(str(body["title"]), body=str(body.get("body") or ""), author=self.viewer)
        issue = self._issues[number]
        # Labels that do not exist yet are created with the default colour when applied: GitHub's
        # behaviour, though the REST reference ("Create an issue", "Add labels to an issue") only
        # says labels are silently dropped for users without push access.
        if self.viewer_can_push:
            issue.labels = [self.add_label(str(name)).name for name in body.get("labels") or []]
        return (
            201,
            {"Location": f"{self.api_url}/repos/{self.owner}/{self.name}/issues/{number}"},
            self._issue_json(issue),
        )

    def _get_issue(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return 200, {}, self._issue_json(self._issue(match))

    def _patch_issue(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        body = body or {}
        if "title" in body:
            issue.title = body["title"]
        if "body" in body:
            issue.body = body["body"] or ""
        if "labels" in body:
            issue.labels = [self.add_label(str(name)).name for name in body["labels"]]
        if body.get("state") == "closed" and issue.state != "closed":
            self.close_issue(issue.number, body.get("state_reason") or "completed", by=self.viewer)
        elif body.get("state") == "open" and issue.state != "open":
            self.reopen_issue(issue.number, by=self.viewer)
        issue.updated_at = self.now
        return 200, {}, self._issue_json(issue)

    def _list_issue_labels(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        return self._page(self._path(match), query, [self._label_json(name) for name in issue.labels])

    @staticmethod
    def _label_names(body: JSON) -> list[str]:
        names = body.get("labels") if isinstance(body, dict) else body
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list):
            raise HTTPError(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an array.")
        return [str(n["name"]) if isinstance(n, dict) else str(n) for n in names]

    def _add_issue_labels(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        for name in self._label_names(body):
            label = self.add_label(name)  # created when missing, as GitHub does
            if label.name.casefold() not in {n.casefold() for n in issue.labels}:
                issue.labels.append(label.name)
        return 200, {}, [self._label_json(name) for name in issue.labels]

    def _set_issue_labels(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        issue.labels = [self.add_label(name).name for name in self._label_names(body)]
        return 200, {}, [self._label_json(name) for name in issue.labels]

    def _remove_issue_label(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        kept = [n for n in issue.labels if n.casefold() != match["label"].casefold()]
        if len(kept) == len(issue.labels):
            raise HTTPError(404, "Label does not exist")
        issue.labels = kept
        return 200, {}, [self._label_json(name) for name in issue.labels]

    def _list_reactions(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        content = query.get("content")
        rows = [
            {
                "id": r.id,
                "node_id": r.node_id,
                "user": {**self._user_json(r.login), "type": r.user_type},
                "content": r.content,
                "created_at": iso(r.created_at),
            }
            for r in issue.reactions
            if content is None or r.content == content
        ]
        return self._page(self._path(match), query, rows)

    def _list_comments(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        rows = [self._comment_json(c) for c in self._comments.values() if c.issue == issue.number]
        return self._page(self._path(match), query, rows)

    def _create_comment(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        comment_id = self.add_comment(issue.number, self.viewer, str((body or {}).get("body", "")))
        return 201, {}, self._comment_json(self._comments[comment_id])

    def _get_comment(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        comment = self._comments.get(int(match["id"]))
        if comment is None:
            raise HTTPError(404, MESSAGES[404])
        return 200, {}, self._comment_json(comment)

    def _update_comment(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        # "Update an issue comment" (REST API endpoints for issue comments, GitHub Docs): 200 with
        # the comment; a body that is missing or empty is a 422.
        comment = self._comments.get(int(match["id"]))
        if comment is None:
            raise HTTPError(404, MESSAGES[404])
        text = (body or {}).get("body") if isinstance(body, dict) else None
        if not isinstance(text, str) or not text:
            raise HTTPError(422, "Validation Failed")
        self.edit_comment(comment.id, text)
        return 200, {}, self._comment_json(comment)

    def _list_labels(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return self._page(
            self._path(match), query, [self._label_json(label.name) for label in self._labels.values()]
        )

    def _create_label(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        name = str((body or {}).get("name", ""))
        if not name:
            raise HTTPError(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "code": "missing_field", "field": "name"}],
            )
        if name.casefold() in self._labels:
            raise HTTPError(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
            )
        self._check_color(body.get("color"))
        self.add_label(name, color=str(body.get("color") or "ededed"), description=body.get("description"))
        return 201, {}, self._label_json(name)

    def _get_label(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if match["label"].casefold() not in self._labels:
            raise HTTPError(404, MESSAGES[404])
        return 200, {}, self._label_json(match["label"])

    @staticmethod
    def _check_color(color: JSON) -> None:
        # A colour is six hex digits, else 422 invalid (recording octokit-fixtures errors).
        if color is not None and not re.fullmatch(r"[0-9A-Fa-f]{6}", str(color)):
            raise HTTPError(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "code": "invalid", "field": "color"}],
                docs="https://docs.github.com/rest/reference/issues#create-a-label",
            )

    def _patch_label(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        """ "Update a label": `new_name`, `color`, `description` (recording labels)."""
        label = self._labels.get(match["label"].casefold())
        if label is None:
            raise HTTPError(404, MESSAGES[404])
        body = body or {}
        self._check_color(body.get("color"))
        if body.get("new_name"):
            old = label.name
            del self._labels[old.casefold()]
            label.name = str(body["new_name"])
            self._labels[label.name.casefold()] = label
            for issue in self._issues.values():
                issue.labels = [label.name if n == old else n for n in issue.labels]
        if body.get("color"):
            label.color = str(body["color"])
        if "description" in body:
            label.description = body["description"]
        return 200, {}, self._label_json(label.name)

    def _delete_label(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if match["label"].casefold() not in self._labels:
            raise HTTPError(404, MESSAGES[404])
        self.delete_label(match["label"])
        return 204, {}, None
