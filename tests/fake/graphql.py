"""The fake GitHub's GraphQL endpoint: each document checked against `schema.graphql`, run over the state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import graphql

from tests.fake.mutations import GraphQLMutations
from tests.fake.records import JSON, GraphQLFailure, Reply, iso


class GraphQLAPI(GraphQLMutations):
    """One GraphQL request: parsed, validated and executed over the state."""

    def _inspect_graphql(self, body: JSON) -> tuple[graphql.DocumentNode | None, list[str], bool]:
        """The parsed document, its operation name and top-level fields, and whether it mutates."""
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return None, [], False
        try:
            document = graphql.parse(body["query"])
        except graphql.GraphQLError:
            return None, [], False
        wanted = body.get("operationName")
        for definition in document.definitions:
            if isinstance(definition, graphql.OperationDefinitionNode) and (
                wanted is None or (definition.name and definition.name.value == wanted)
            ):
                names = [definition.name.value] if definition.name else ["anonymous"]
                names += [
                    s.name.value
                    for s in definition.selection_set.selections
                    if isinstance(s, graphql.FieldNode)
                ]
                return document, names, definition.operation == graphql.OperationType.MUTATION
        return document, [], False

    def _graphql(self, body: JSON, document: graphql.DocumentNode | None) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return (
                400,
                {},
                {
                    "message": "A query attribute must be specified and must be a string.",
                    "documentation_url": "https://docs.github.com/graphql",
                },
            )
        if document is None:
            try:
                graphql.parse(body["query"])
            except graphql.GraphQLError as error:
                return 200, {}, {"errors": [self._format_error(error)]}
        assert document is not None
        schema = _schema()
        problems = graphql.validate(schema, document)
        if problems:
            return 200, {}, {"errors": [self._format_error(e) for e in problems]}
        result = graphql.execute_sync(
            schema,
            document,
            root_value=self._root(),
            variable_values=body.get("variables") or {},
            operation_name=body.get("operationName"),
        )
        reply: dict[str, JSON] = {"data": result.data}
        if result.errors:
            reply["errors"] = [self._format_error(e) for e in result.errors]
        return 200, {"X-RateLimit-Resource": "graphql"}, reply

    @staticmethod
    def _format_error(error: graphql.GraphQLError) -> JSON:
        original = error.original_error
        formatted: dict[str, JSON] = {}
        if isinstance(original, GraphQLFailure):
            formatted["type"] = original.type
        if error.path:
            formatted["path"] = list(error.path)
        if error.locations:
            formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
        formatted["message"] = error.message
        return formatted

    def _root(self) -> JSON:
        return {
            "viewer": lambda info: self._gql_actor(self.viewer, viewer=True),
            "repository": lambda info, owner, name, followRenames=True: self._gql_repository(owner, name),
            "repositoryOwner": lambda info, login: self._gql_owner(login),
            "organization": lambda info, login: self._gql_owner(login, "Organization"),
            "user": lambda info, login: self._gql_owner(login, "User"),
            "node": lambda info, id: self._gql_node(id),
            "nodes": lambda info, ids: [self._gql_node_or_failure(i) for i in ids],
            "rateLimit": lambda info, dryRun=False: {
                "cost": 1,
                "limit": 5000,
                "remaining": 4999,
                "used": 1,
                "nodeCount": 0,
                "resetAt": iso(datetime.now(UTC) + timedelta(hours=1)),
            },
            "addProjectV2ItemById": lambda info, input: self._m_add_item(input),
            "updateProjectV2ItemFieldValue": lambda info, input: self._m_set_value(input),
            "clearProjectV2ItemFieldValue": lambda info, input: self._m_clear_value(input),
            "updateProjectV2ItemPosition": lambda info, input: self._m_move(input),
            "createProjectV2Field": lambda info, input: self._m_create_field(input),
            "updateProjectV2Field": lambda info, input: self._m_update_field(input),
            "deleteProjectV2Item": lambda info, input: self._m_delete_item(input),
            "addLabelsToLabelable": lambda info, input: self._m_add_labels(input),
        }


@cache
def _schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(Path(__file__).with_name("schema.graphql").read_text(encoding="utf-8"))
