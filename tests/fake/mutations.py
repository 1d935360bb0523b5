"""The fake GitHub's GraphQL mutations of Projects (v2) boards, applied to the state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.fake.nodes import GraphQLNodes
from tests.fake.records import FIELD_LIMIT, JSON, GraphQLFailure


class GraphQLMutations(GraphQLNodes):
    """The board mutations the toolkit sends, as GitHub applies them."""

    def _m_add_item(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._add_item(project, data["contentId"])
        return {"clientMutationId": data.get("clientMutationId"), "item": self._gql_item(project, item)}

    def _m_set_value(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._item_by_id(project, data["itemId"])
        target = project.field_by_id(data["fieldId"])
        if target is None:
            raise GraphQLFailure(
                f"Could not resolve to a node with the global id of '{data['fieldId']}'", "NOT_FOUND"
            )
        value = {k: v for k, v in data["value"].items() if v is not None}
        expected = {
            "TEXT": "text",
            "NUMBER": "number",
            "DATE": "date",
            "SINGLE_SELECT": "singleSelectOptionId",
            "ITERATION": "iterationId",
        }.get(target.data_type)
        if expected is None:
            raise GraphQLFailure(
                f"The field {target.name} cannot be updated with this mutation.", "UNPROCESSABLE"
            )
        if set(value) != {expected}:
            raise GraphQLFailure(
                f"The field of type {target.data_type.lower()} requires a {expected} value.", "UNPROCESSABLE"
            )
        if expected == "singleSelectOptionId" and not any(o.id == value[expected] for o in target.options):
            raise GraphQLFailure("The single select option Id does not belong to the field", "UNPROCESSABLE")
        item.values[target.id] = value[expected]
        return {
            "clientMutationId": data.get("clientMutationId"),
            "projectV2Item": self._gql_item(project, item),
        }

    def _m_clear_value(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._item_by_id(project, data["itemId"])
        item.values.pop(data["fieldId"], None)
        return {
            "clientMutationId": data.get("clientMutationId"),
            "projectV2Item": self._gql_item(project, item),
        }

    def _m_move(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._item_by_id(project, data["itemId"])
        after_id = data.get("afterId")
        if after_id is not None:
            self._item_by_id(project, after_id)
        if after_id == item.id:  # after itself (GitHub does not say): it stays, as in the sandbox
            after_id = project.items[project.items.index(item) - 1].id if project.items.index(item) else None
        project.items.remove(item)
        # No afterId: the item goes to the top ("updateProjectV2ItemPosition", GraphQL mutations docs).
        index = (
            0 if after_id is None else next(i for i, it in enumerate(project.items) if it.id == after_id) + 1
        )
        project.items.insert(index, item)
        return {
            "clientMutationId": data.get("clientMutationId"),
            "items": lambda info, **args: self._connection(
                "items", [self._gql_item(project, it) for it in project.items], args
            ),
        }

    def _m_create_field(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        name, data_type = data["name"], data["dataType"].upper()
        if project.field_named(name) is not None:
            raise GraphQLFailure("Name has already been taken", "UNPROCESSABLE")
        if len(project.fields) >= FIELD_LIMIT:
            raise GraphQLFailure(f"Projects can have at most {FIELD_LIMIT} fields", "UNPROCESSABLE")
        options = data.get("singleSelectOptions") or []
        if data_type == "SINGLE_SELECT" and not options:
            raise GraphQLFailure("At least one value is required for single select fields", "UNPROCESSABLE")
        made = self._new_field(project, name, data_type)
        made.options = [self._new_option(o["name"], o["color"], o["description"]) for o in options]
        project.fields.append(made)
        return {
            "clientMutationId": data.get("clientMutationId"),
            "projectV2Field": self._gql_field(project, made),
        }

    def _m_update_field(self, data: Mapping[str, Any]) -> JSON:
        self._check("projects", "mutation")
        for project in self._projects.values():
            target = project.field_by_id(data["fieldId"])
            if target is None:
                continue
            if data.get("name"):
                target.name = data["name"]
            options = data.get("singleSelectOptions")
            if options:
                # The options given replace the field's options and every option gets a new id,
                # so items lose their values (UpdateProjectV2FieldInput, GitHub's GraphQL
                # reference; reported in langwatch/langwatch#3330).
                target.options = [self._new_option(o["name"], o["color"], o["description"]) for o in options]
                for item in project.items:
                    item.values.pop(target.id, None)
            return {
                "clientMutationId": data.get("clientMutationId"),
                "projectV2Field": self._gql_field(project, target),
            }
        raise GraphQLFailure(
            f"Could not resolve to a node with the global id of '{data['fieldId']}'", "NOT_FOUND"
        )

    def _m_delete_item(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._item_by_id(project, data["itemId"])
        project.items.remove(item)
        return {"clientMutationId": data.get("clientMutationId"), "deletedItemId": item.id}

    def _m_add_labels(self, data: Mapping[str, Any]) -> JSON:
        # addLabelsToLabelable (GitHub's GraphQL reference): labels by node id; one the issue has
        # already stays once. Labelling takes triage access, as the REST endpoint does.
        self._check("issues", "mutation")
        issue = next((i for i in self._issues.values() if i.node_id == data["labelableId"]), None)
        if issue is None:
            raise GraphQLFailure(
                f"Could not resolve to a node with the global id of '{data['labelableId']}'", "NOT_FOUND"
            )
        by_id = {label.node_id: label for label in self._labels.values()}
        unknown = [i for i in data["labelIds"] if i not in by_id]
        if unknown:
            raise GraphQLFailure(
                f"Could not resolve to a node with the global id of '{unknown[0]}'", "NOT_FOUND"
            )
        for label_id in data["labelIds"]:
            name = by_id[label_id].name
            if all(held.casefold() != name.casefold() for held in issue.labels):
                issue.labels.append(name)
        return {"clientMutationId": data.get("clientMutationId"), "labelable": self._gql_issue(issue)}
