"""Who may open the app, and what they may do (issue 6, item 5; issue 10, item 4).

Users live in Streamlit secrets (`[auth.users.<name>] role, password_hash`, see
`clinic_bi/app/auth.py` and the README's "Data safety"). Two cases:

- **Users configured**: every page starts with `gate()`, which shows the login form and stops
  the page until someone signs in. The user is kept in the session (`st.session_state`), and
  checked again against the secrets on each run, so a removed user or a changed role takes effect
  at once. An owner reads; a manager also uploads, removes uploads and edits mappings.
- **No users**: the app serves only this computer. `gate()` refuses every request that does
  not come from a browser on this computer, and says how to configure users. (The server also
  listens on 127.0.0.1 by default: `.streamlit/config.toml`.)

What a role may do is enforced where the write happens — `require(action)`, called by
`data.write_connection` — not only by hiding buttons.

"This computer", without users, is three checks of the browser's WebSocket handshake, all of
which must pass (`is_local_origin`):

1. *The connection.* The TCP peer, as Streamlit's Starlette server records it
   (`client_context.remote_ip`), is a loopback address. (`st.context.ip_address` is not used: it
   reports a loopback peer and an unknown one both as None; an unknown peer counts as remote.) A
   proxy in front of the app (its own peer is loopback) is caught by its forwarding headers: any
   `X-Forwarded-For`, `X-Real-IP` or `Forwarded` address that is not loopback makes the request
   remote.
2. *The name the browser used* (`Host`) is `localhost` or a loopback address (`127.0.0.1`,
   `[::1]`, any port, any case); a missing or malformed Host is refused, and so is the dotted
   `localhost.`. A page on another site that rebinds its own name to 127.0.0.1 (DNS rebinding)
   reaches the app under that name, and a reverse proxy that sends no forwarding headers passes
   on its own public name: both are refused. (Streamlit checks the Host only against
   `server.allowedHosts`, which is empty by default.)
3. *The page that opened the WebSocket* (`Origin`), when the browser says, is an `http(s)`
   origin on a loopback name, any port (another program of this computer is this computer's).
   Streamlit itself already refuses a cross-site origin unless `server.enableCORS` is off or the
   origin is on `server.corsAllowedOrigins`; this check holds when someone changes those. A
   missing Origin is allowed (browsers always send one; a script on this computer need not).

What cannot be told apart: a plain TCP forwarder that keeps the name `localhost` — `ssh -L
8501:localhost:8501` used from another machine's browser at http://localhost:8501 — looks
exactly like this computer (loopback peer, Host localhost, loopback Origin). That is why any
proxy, tunnel or forwarder in front of the app must come with users configured.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from clinic_bi.app.auth import AuthConfigError, Throttle, User, is_local_address, load_users
from clinic_bi.app.i18n import t
from clinic_bi.app.safe import md

SESSION_KEY = "auth_user"
# With no users configured, on this computer: every action (as the CLI allows).
LOCAL_USER = User("", "manager")
_FORWARDING_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")
_FORWARDED_FOR = re.compile(r'for="?\[?([^\]";,\s]+)', re.IGNORECASE)


class ActionRefused(PermissionError):
    """An action the signed-in user's role does not allow."""


# -- where the request comes from -------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """The browser's connection: its TCP peer (None when unknown), the addresses a proxy in front
    of the app says it forwards for, the `Host` header (None when missing) and the `Origin`
    header (None when the handshake had none).

    `request_origin()` always fills `host` from the handshake; the default, a browser at
    localhost, is for code that describes a connection by its addresses only."""

    peer: str | None
    forwarded: tuple[str, ...] = ()
    host: str | None = "localhost"
    web_origin: str | None = None


def forwarded_addresses(headers: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    out: list[str] = []
    for name, raw in headers:
        name = name.lower()
        if name not in _FORWARDING_HEADERS:
            continue
        if name == "forwarded":
            found = _FORWARDED_FOR.findall(raw)
            out.extend(found or [raw.strip()])  # unreadable: kept as is, so it counts as remote
        else:
            out.extend(part.strip() for part in raw.split(",") if part.strip())
    return tuple(out)


_PORT = re.compile(r":\d{0,5}")
_WEB_ORIGIN = re.compile(r"https?://([^/?#\s]+)", re.IGNORECASE)


def is_local_host(host: str | None) -> bool:
    """True when a `Host` header names this computer: `localhost` or a loopback address
    (`127.0.0.1`, `[::1]`), with or without a port, in any case. None, empty or malformed: False.
    Any other name — `localhost.`, `localhost.evil.com`, `127.0.0.1.nip.io` — is False."""
    if not host:
        return False
    text = host.strip()
    if text.startswith("["):  # an IPv6 literal: [::1]:8501
        end = text.find("]")
        name, rest = (text[1:end], text[end + 1 :]) if end > 0 else ("", "")
        if ":" not in name:
            return False
    else:
        name, colon, port = text.partition(":")
        rest = colon + port
    if not name or (rest and not _PORT.fullmatch(rest)):
        return False
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_local_web_origin(origin: str | None) -> bool:
    """True when the `Origin` header is missing or is an http(s) origin on a loopback name (any
    port). `null` (a sandboxed frame, a file) and any other site: False."""
    if origin is None:
        return True
    found = _WEB_ORIGIN.fullmatch(origin.strip())
    return found is not None and is_local_host(found.group(1))


def is_local_origin(origin: Origin) -> bool:
    """True only when the peer and every forwarded address are loopback addresses, the Host
    names this computer and the Origin, if any, is a page of this computer."""
    return (
        is_local_address(origin.peer)
        and all(is_local_address(a) for a in origin.forwarded)
        and is_local_host(origin.host)
        and is_local_web_origin(origin.web_origin)
    )


def _single(pairs: Iterable[tuple[str, str]], name: str) -> str | None:
    """The one value of header `name`; None when it is missing, "" when it is repeated (a
    request that names two hosts names none)."""
    values = [value for key, value in pairs if key.lower() == name]
    if not values:
        return None
    return values[0] if len(values) == 1 else ""


def request_origin() -> Origin:
    """The current session's connection, read from Streamlit's session client."""
    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return Origin(None)
    client = runtime.get_instance().get_client(ctx.session_id)
    context = getattr(client, "client_context", None)
    peer = getattr(context, "remote_ip", None)
    headers = getattr(context, "headers", None)
    try:
        pairs = [(str(k), str(v)) for k, v in headers] if headers is not None else []
    except TypeError:
        pairs = []
    return origin_from_handshake(peer if isinstance(peer, str) else None, pairs)


def origin_from_handshake(peer: str | None, headers: Iterable[tuple[str, str]]) -> Origin:
    """The connection a WebSocket handshake describes: its TCP peer and its headers (names
    in any case)."""
    pairs = list(headers)
    return Origin(peer, forwarded_addresses(pairs), host=_single(pairs, "host"),
                  web_origin=_single(pairs, "origin"))  # fmt: skip


# -- users ----------------------------------------------------------------------------------------


def configured_users() -> dict[str, tuple[str, str]]:
    """{name: (role, password_hash)} from the secrets' `auth` section; {} when there is none.
    A malformed section raises AuthConfigError (the app then refuses to start: fail closed)."""
    if not st.secrets.load_if_toml_exists():
        return {}
    return load_users(st.secrets.get("auth"))


@st.cache_resource(show_spinner=False)
def throttle() -> Throttle:
    """One throttle per server process: a new tab or session does not reset a name's failures."""
    return Throttle()


def current_user() -> User | None:
    """The user this session acts as: the signed-in user (still present in the secrets, with the
    role they have there now); LOCAL_USER when no users are configured and the browser is on
    this computer; else None."""
    try:
        users = configured_users()
    except AuthConfigError:
        return None
    if not users:
        return LOCAL_USER if is_local_origin(request_origin()) else None
    user = st.session_state.get(SESSION_KEY)
    if not isinstance(user, User) or user.name not in users:
        return None
    return User(user.name, users[user.name][0])


def can(action: str) -> bool:
    user = current_user()
    return user is not None and user.can(action)


def require(action: str) -> None:
    """Refuse an action the current user may not take (the server-side check of every write)."""
    if not can(action):
        raise ActionRefused(f"action {action!r} is not allowed for this user")


# -- the gate every page passes -------------------------------------------------------------------


def gate(lang: str) -> User:
    """Call at the top of every page. Returns the user; otherwise draws the login form or the
    refusal and stops the page."""
    try:
        users = configured_users()
    except AuthConfigError as exc:
        st.error(t("auth_config_error", lang, error=str(exc)))
        st.stop()
    if not users:
        if is_local_origin(request_origin()):
            return LOCAL_USER
        st.title(t("remote_refused_title", lang))
        st.error(t("remote_refused_text", lang, url=f"http://localhost:{_port()}"))
        st.code(_SECRETS_EXAMPLE, language="toml")
        st.stop()
    user = current_user()
    if user is not None:
        return user
    st.session_state.pop(SESSION_KEY, None)
    _login_form(users, lang)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def _port() -> int:
    try:
        return int(st.get_option("server.port"))
    except (TypeError, ValueError):
        return 8501


_SECRETS_EXAMPLE = """# .streamlit/secrets.toml
[auth.users.anna]
role = "manager"   # owner: read only; manager: read, upload, remove, edit mappings
password_hash = "..."   # echo 'password' | python -m clinic_bi hash-password"""


def _login_form(users: Mapping[str, tuple[str, str]], lang: str) -> None:
    st.title(t("login_title", lang))
    with st.form("login", border=True, width=420):
        name = st.text_input(t("login_name", lang), key="login_name")
        password = st.text_input(t("login_password", lang), type="password", key="login_password")
        submitted = st.form_submit_button(t("login_button", lang), type="primary")
    if not submitted:
        return
    user = throttle().login(users, name, password)  # slowed down after failures
    if user is None:
        wait = throttle().delay_for(name.strip().lower())
        st.error(t("login_failed", lang, seconds=f"{wait:g}"))
        return
    st.session_state[SESSION_KEY] = user
    st.rerun()


def sidebar_note(user: User, lang: str) -> None:
    """Under the navigation: who is signed in, as what, and the way out; or, without users,
    that the app is open to this computer only."""
    if user is LOCAL_USER:
        st.caption(t("no_login_note", lang))
        return
    st.caption(t("signed_in_as", lang, name=md(user.name), role=t(f"role_{user.role}", lang)))
    if st.button(t("logout", lang), key="logout", type="tertiary", icon=":material/logout:"):
        st.session_state.pop(SESSION_KEY, None)
        st.rerun()
