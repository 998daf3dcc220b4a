"""Pseudonymisation: identity numbers and phones are stored encrypted and found through a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

from lianfang.config import Settings
from lianfang.core.errors import DomainError


class Vault:
    def __init__(self, data_key: str, lookup_key: str) -> None:
        if not data_key or not lookup_key:
            msg = "LIANFANG_DATA_KEY and LIANFANG_LOOKUP_KEY must be set (run `lianfang init`)"
            raise RuntimeError(msg)
        self._fernet = Fernet(data_key.encode())
        self._lookup = lookup_key.encode()

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        return cls(settings.data_key, settings.lookup_key)

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise DomainError(
                "数据无法解密（密钥不符）", "stored data cannot be decrypted (wrong key)", 500
            ) from exc

    def lookup_hash(self, kind: str, value: str) -> str:
        return hmac.new(self._lookup, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def new_fernet_key() -> str:
    return Fernet.generate_key().decode()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Session and API tokens are stored only as their SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


_VAULTS: dict[tuple[str, str], Vault] = {}


def vault(settings: Settings) -> Vault:
    key = (settings.data_key, settings.lookup_key)
    if key not in _VAULTS:
        _VAULTS[key] = Vault(*key)
    return _VAULTS[key]
