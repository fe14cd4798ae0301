"""Team accounts: names, roles and argon2id password hashes, for the CLI and the web app.

A password is never stored nor audited, only its argon2id hash; every change to an account is an audit event.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.enums import Role
from tollbook.errors import NotFoundError, TollbookError
from tollbook.model import User

MIN_PASSWORD = 10
HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
_DUMMY_HASH = HASHER.hash("a password nobody has: keeps unknown names as slow as known ones")


def parse_role(role: Role | str) -> Role:
    """A Role from its value, listing the allowed ones when it is wrong."""
    try:
        return Role(role)
    except ValueError:
        raise TollbookError(f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}") from None


def check_password_rules(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD:
        raise TollbookError(f"a password needs at least {MIN_PASSWORD} characters")


def find_user(session: Session, name: str) -> User | None:
    """The account called `name`, or None."""
    return session.scalar(select(User).where(User.name == name.strip()))


def get_user(session: Session, name: str) -> User:
    """The account called `name`, or a NotFoundError saying how to add it."""
    user = find_user(session, name)
    if user is None:
        raise NotFoundError(f"no user named {name!r}: add one with `tollbook users add {name} --role viewer`")
    return user


def add_user(session: Session, name: str, role: Role | str, password: str, actor: str = "system") -> User:
    """Create an account with a hashed password (audited without the password)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise TollbookError("a user name needs 1 to 200 characters")
    if find_user(session, name) is not None:
        raise TollbookError(f"user {name!r} already exists")
    check_password_rules(password)
    user = User(name=name, role=parse_role(role), password_hash=HASHER.hash(password), active=True,
                session_version=0)
    session.add(user)
    session.flush()
    record_event(session, actor, "user.add", "user", user.id, {"name": name, "role": user.role.value}, wrote=[user])
    return user


def set_password(session: Session, name: str, password: str, actor: str = "system") -> User:
    """Replace a user's password and end every session they have open."""
    check_password_rules(password)
    user = get_user(session, name)
    user.password_hash = HASHER.hash(password)
    user.session_version += 1
    record_event(session, actor, "user.password", "user", user.id, {"name": user.name}, wrote=[user])
    return user


def set_role(session: Session, name: str, role: Role | str, actor: str = "system") -> User:
    """Change a user's role; their open sessions end so the new role applies at once."""
    user = get_user(session, name)
    old, user.role = user.role, parse_role(role)
    user.session_version += 1
    record_event(session, actor, "user.role", "user", user.id, {"name": user.name, "from": old.value,
                                                                  "to": user.role.value}, wrote=[user])
    return user


def set_active(session: Session, name: str, active: bool, actor: str = "system") -> User:
    """Enable or disable an account (never deleted: its name stays on what it did)."""
    user = get_user(session, name)
    user.active = active
    user.session_version += 1
    record_event(session, actor, "user.enable" if active else "user.disable", "user", user.id, {"name": user.name},
                 wrote=[user])
    return user


def end_sessions(session: Session, user: User, actor: str) -> None:
    """Invalidate every signed session cookie issued to `user` (sign-out)."""
    user.session_version += 1
    record_event(session, actor, "user.logout", "user", user.id, {"name": user.name}, wrote=[user])


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, or None; as slow for unknown names as for known ones."""
    user = find_user(session, name)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active or not user.password_hash:
        return None
    return user  # a hash made with older argon2 costs is renewed with the next `tollbook users passwd`


def list_users(session: Session) -> list[User]:
    """Every account by name."""
    return list(session.scalars(select(User).order_by(User.name)))


def user_row(user: User) -> dict:
    """An account as plain data (never the hash)."""
    return {"name": user.name, "role": user.role.value, "active": user.active,
            "created_at": user.created_at.isoformat() if user.created_at else None}
