"""Settings, validated once at start. Every field is documented in docs/operations.md (a test checks)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIANFANG_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/lianfang.db",
        description="SQLAlchemy URL; sqlite:///path or postgresql+psycopg://user@host/db",
    )
    environment: Literal["development", "production", "test"] = "development"
    secret_key: str = Field(default="", description="signs nothing by itself; required in production")
    data_key: str = Field(
        default="",
        description="Fernet key (urlsafe base64, 32 bytes) that encrypts identity numbers and phones",
    )
    lookup_key: str = Field(
        default="", description="HMAC key for the keyed hashes used to look up identities"
    )
    default_locale: Literal["zh_CN", "en"] = "zh_CN"
    timezone: str = "Asia/Shanghai"
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)
    otp_minutes: int = Field(default=5, ge=1, le=60)
    sms_gateway: Literal["log", "http"] = "log"
    sms_http_url: str = ""
    embedded_worker: bool = Field(default=True, description="run the job worker inside `lianfang serve`")
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    assignment_remind_hours: float = Field(
        default=2.0, ge=0, description="remind owners this long before a deadline"
    )
    assignment_escalate_hours: float = Field(
        default=4.0, gt=0, description="a late item climbs one jurisdiction level per this many hours"
    )
    command_followup_hours: float = Field(
        default=4.0, ge=0.5, le=72, description="default interval between an incident's follow-up reports"
    )
    command_board_days: int = Field(
        default=14, ge=1, le=90, description="days of completion history the supervision board keeps"
    )
    tracing_lookback_days: int = Field(
        default=2, ge=1, le=14, description="contact look-back before onset or sampling (2; 4 for Delta-era)"
    )
    tracing_edition: Literal["", "7th", "8th", "9th", "二十条"] = Field(
        default="", description="pin the 防控方案 edition of new cases; empty: the one in force on their date"
    )
    control_edition: Literal["", "bj2020", "8th", "9th", "twenty"] = Field(
        default="", description="pin the rule set of control plans and zones; empty: the one in force"
    )
    healthcode_edition: Literal["", "bj2022-02", "bj2022-11"] = Field(
        default="",
        description="pin the health-code rule set (pop-ups, arrival tests); empty: the one in force",
    )
    appeal_deadline_hours: int = Field(
        default=24, ge=1, le=168, description="hours a community has to decide a health-code appeal"
    )
    tracing_assist_hours: float = Field(
        default=4.0, gt=0, description="deadline to locate and control a cross-district (跨区协查) contact"
    )
    tracing_control_hours: float = Field(
        default=8.0, gt=0, description="deadline for a close contact in the case's district (secondary ×1.5)"
    )
    page_size: int = Field(default=50, ge=1, le=500)
    scan_retention_days: int = Field(default=28, ge=1, description="venue scans older than this are deleted")
    healthcode_token_ttl_seconds: int = Field(
        default=120,
        ge=30,
        le=3600,
        description="lifetime of a signed health-code QR token (a screenshot fails after it)",
    )
    healthcode_token_refresh_seconds: int = Field(
        default=60,
        ge=10,
        le=1800,
        description="the resident's page shows a new QR token this often (< the lifetime)",
    )
    healthcode_verify_leeway_seconds: int = Field(
        default=30,
        ge=0,
        le=300,
        description="clock difference allowed between the signing server and a gate device",
    )
    healthcode_key_rotation_days: int = Field(
        default=7, ge=1, le=365, description="a new Ed25519 key signs the QR tokens this often"
    )
    dcc_trust_list: str = Field(
        default="",
        description="path of the DSC list (EU gateway format) that EU Digital COVID Certificates are checked "
        "against; empty: every certificate is refused as signed by an unknown key",
    )
    public_base_url: str = Field(
        default="", description="address printed in venue-code QR posters, e.g. https://jk.example.gov.cn"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    access_log: bool = Field(
        default=True,
        description="a log line per request from `lianfang serve` (off behind a proxy that logs)",
    )

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            msg = "database_url must be a sqlite:// or postgresql+psycopg:// URL"
            raise ValueError(msg)
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @model_validator(mode="after")
    def _token_outlives_its_refresh(self) -> Settings:
        if self.healthcode_token_refresh_seconds >= self.healthcode_token_ttl_seconds:
            msg = "healthcode_token_refresh_seconds must be shorter than healthcode_token_ttl_seconds"
            raise ValueError(msg)
        return self

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        raw = self.database_url.split("///", 1)[1] if "///" in self.database_url else ""
        return Path(raw) if raw and raw != ":memory:" else None
