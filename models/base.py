"""Shared pydantic configuration: unknown keys are input errors, never ignored."""

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Base of every scenario model: forbids unknown keys and strips text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)
