"""Task dependencies: the path's task id and the list query."""

from typing import Annotated

from fastapi import Path
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from backend.errors import validated
from backend.openapi import SYNONYM
from backend.paging import MAX_OFFSET, MAX_PAGE_SIZE
from backend.paths import PathId
from backend.tasks.fields import DATE_OR_DATETIME, Priority
from backend.tasks.query import STATUS_SYNONYMS, SortOrder, TaskQuery, TaskSort, TaskStatus

TaskIdPath = Annotated[PathId, Path(description="The task's id.", examples=[1])]
TASK_PATH = "/tasks/{task_id:digits}"  # a segment that is not a number matches no route: 404


class TaskListParams(BaseModel):
    """The query string of `GET /tasks`, as documented; `to_query` gives the validated query.

    One model rather than one parameter each: FastAPI validates it in a single pass. A parameter
    it does not know is a 422, not ignored (an ignored filter returns the wrong tasks); the
    synonyms existing frontends send (`search`, `sort_by`, `sort_order`, `sort_direction`,
    `per_page`, `page_size`, `skip`) are validation aliases, so /docs shows one name each, and a
    name given twice is a 422 too. `completed=true|false` and a 1-based `page` are folded into
    `status` and `offset` (hidden from /docs as well).
    """

    model_config = ConfigDict(extra="forbid")

    status: str = Field(
        default=TaskStatus.all.value,
        description="`all`, `pending` or `completed` (`incomplete`/`active` mean pending, "
        "`complete` completed).",
        json_schema_extra={"enum": [*(s.value for s in TaskStatus), *STATUS_SYNONYMS]},
    )
    priority: str | None = Field(
        default=None,
        description="Only tasks of this priority.",
        json_schema_extra={"enum": [p.value for p in Priority]},
    )
    tag: list[str] | None = Field(
        default=None,
        description="Repeatable; a task must carry every tag given.",
        examples=[["work"]],
    )
    tags: str | None = Field(
        default=None,
        description="The same as `tag`, comma-separated: `tags=work,home`.",
        json_schema_extra=SYNONYM,
    )
    q: str | None = Field(
        default=None,
        description="Case-insensitive search in title and description.",
        max_length=200,
        validation_alias=AliasChoices("q", "search"),
    )
    due_before: str | None = Field(
        default=None,
        description="Due at or before (a date alone means the end of that day, UTC).",
        json_schema_extra=DATE_OR_DATETIME,
    )
    due_after: str | None = Field(
        default=None,
        description="Due at or after (a date alone means the start of that day, UTC).",
        json_schema_extra=DATE_OR_DATETIME,
    )
    overdue: bool | None = Field(
        default=None, description="`true`: pending tasks past their due date."
    )
    sort: str = Field(
        default=TaskSort.created_at.value,
        description="Sort field.",
        json_schema_extra={"enum": [s.value for s in TaskSort]},
        validation_alias=AliasChoices("sort", "sort_by"),
    )
    order: str = Field(
        default=SortOrder.desc.value,
        description="Sort direction.",
        json_schema_extra={"enum": [o.value for o in SortOrder]},
        validation_alias=AliasChoices("order", "sort_order", "sort_direction"),
    )
    limit: int = Field(
        default=50,
        ge=1,
        le=MAX_PAGE_SIZE,
        description="Page size.",
        validation_alias=AliasChoices("limit", "per_page", "page_size"),
    )
    offset: int = Field(
        default=0,
        ge=0,
        le=MAX_OFFSET,
        description="Tasks to skip.",
        validation_alias=AliasChoices("offset", "skip"),
    )
    completed: bool | None = Field(
        default=None,
        description="`true` is `status=completed`, `false` is `status=pending`.",
        json_schema_extra=SYNONYM,
    )
    page: int | None = Field(
        default=None,
        ge=1,
        le=MAX_OFFSET,
        description="A 1-based page of `limit` tasks: `offset` is `(page - 1) * limit`.",
        json_schema_extra=SYNONYM,
    )

    def to_query(self) -> TaskQuery:
        """The validated `TaskQuery`, synonyms folded in; a bad value is a 422 on its field."""
        tag_names = [*(self.tag or []), *(self.tags.split(",") if self.tags else [])]
        raw = self.model_dump(exclude={"tag", "tags", "completed", "page"})
        raw["tags"] = [name for name in tag_names if name.strip()]
        given = self.model_fields_set
        if self.completed is not None and "status" not in given:
            raw["status"] = TaskStatus.completed if self.completed else TaskStatus.pending
        if self.page is not None and "offset" not in given:
            raw["offset"] = (self.page - 1) * self.limit
        return validated(TaskQuery, raw, location="query")
