"""Domain errors. Messages are bilingual so the edge can show them to a person without a lookup."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: which field (and row, in a file), in both languages."""

    field: str
    zh: str
    en: str
    row: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"field": self.field, "row": self.row, "message": self.zh, "message_en": self.en}


@dataclass
class DomainError(Exception):
    zh: str
    en: str
    status: int = 400
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return self.en


class NotFound(DomainError):
    def __init__(self, what_zh: str = "记录", what_en: str = "record") -> None:
        super().__init__(
            f"未找到{what_zh}，或无权查看", f"{what_en} not found or not in your jurisdiction", 404
        )


class Forbidden(DomainError):
    def __init__(self, zh: str = "无权执行此操作", en: str = "you are not allowed to do this") -> None:
        super().__init__(zh, en, 403)


class Unauthenticated(DomainError):
    def __init__(self) -> None:
        super().__init__("请先登录", "please sign in", 401)


class Invalid(DomainError):
    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.zh, first.en, 422, problems)


class Conflict(DomainError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh, en, 409)


def invalid(field_name: str, zh: str, en: str, row: int | None = None) -> Invalid:
    return Invalid([Problem(field_name, zh, en, row)])
