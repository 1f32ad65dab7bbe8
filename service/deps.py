"""``Annotated`` dependency aliases: the settings and the store the app was built with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pvkg.settings import Settings
from pvkg.store import Store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
