"""The hooks' frame: each checked against the library it changes, installed only while octavo lays out, then undone.

A hook is a use of WeasyPrint's, pydyf's or pyphen's internals that changes what they do: a function or a
class attribute put in the place of theirs. When octavo enters `hooks()` (around its own `render` and
`write_pdf` calls) each hook first checks that the internals it needs have the shape it was written for
(names, parameter names, attributes); one that finds something else stays off, says so once on the
`octavo.engine` logger (at INFO: `--verbose` shows it), and octavo does without it. The last octavo layout to leave
`hooks()` puts every original back exactly, and the wrappers pass every call from another thread straight
to the original, so a program that uses WeasyPrint itself, beside octavo, sees WeasyPrint as it comes.

`OCTAVO_ENGINE_HOOKS=off` in the environment, read each time hooks would be installed, turns them all off.
"""

from __future__ import annotations

import inspect
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

LOGGER = logging.getLogger("octavo.engine")
ENVIRONMENT = "OCTAVO_ENGINE_HOOKS"

_MISSING = object()
_lock = threading.RLock()  # installs and undoes hooks; held only for that, never during a layout
_local = threading.local()  # how deep this thread is in hooks(): the wrappers act only where it is above 0
_said: set[tuple[str, str]] = set()  # (hook, reason) already logged in this process


def enabled() -> bool:
    """Whether the hooks may be installed at all: not when OCTAVO_ENGINE_HOOKS is off (or 0, false, no)."""
    return os.environ.get(ENVIRONMENT, "").strip().lower() not in ("off", "0", "false", "no")


def active() -> bool:
    """Whether this thread is inside octavo's own layout (a hook's wrapper acts, else it calls the original)."""
    return getattr(_local, "depth", 0) > 0


def say_once(name: str, message: str) -> None:
    """Log why a hook is off (every hook, for name ""), once per process and reason (INFO: --verbose shows it)."""
    with _lock:
        if (name, message) in _said:
            return
        _said.add((name, message))
    if name:
        LOGGER.info("engine hook %s is off: %s", name, message)
    else:
        LOGGER.info("engine hooks are off: %s", message)


def parameters(function: Any) -> list[str]:
    """The parameter names of a function, as inspect.signature gives them ([] when it has none to give)."""
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


def calls(function: Any, name: str) -> bool:
    """Whether a function's code looks `name` up as a global or attribute (a wrapper in its place is then seen)."""
    code = getattr(function, "__code__", None)
    return code is not None and name in code.co_names


Patch = tuple[Any, str, Any]  # (module or class, attribute, what goes in its place)


@dataclass
class Hook:
    """One use of a library's internals: `check` says what differs from the expected shape (None: nothing),
    `patches` makes the replacements from the originals in place now."""

    name: str
    check: Callable[[], str | None]
    patches: Callable[[], list[Patch]] = lambda: []
    state: str = "unchecked"  # "on", "off" (checked and found different), "disabled" (OCTAVO_ENGINE_HOOKS=off)
    reason: str = ""
    broken: str = ""  # a surprise met while the hook ran: it stays off in this process
    _undo: list[tuple[Any, str, Any]] = field(default_factory=list)

    def usable(self) -> bool:
        """Whether the hook may be used now: hooks enabled and the internals as expected (said once if not)."""
        if not enabled():
            self.state, self.reason = "disabled", f"{ENVIRONMENT}=off"
            say_once("", self.reason)
            return False
        try:
            problem = self.broken or self.check()
        except Exception as error:  # a module missing, an attribute gone: the same as any other difference
            problem = f"{type(error).__name__}: {error}"
        if problem:
            self.state, self.reason = "off", problem
            say_once(self.name, problem)
            return False
        self.state, self.reason = "on", ""
        return True

    def turn_off(self, problem: str) -> None:
        """Mark the hook off for the rest of this process after a surprise while it ran, and say so once."""
        self.state, self.reason, self.broken = "off", problem, problem
        say_once(self.name, problem)

    @property
    def installed(self) -> bool:
        """Whether the hook's replacements are in place now (inside hooks(), its check passed)."""
        return bool(self._undo)

    def install(self) -> None:
        """Put the replacements in place, keeping what each one replaces."""
        for owner, attribute, replacement in self.patches():
            # The owner's own entry, or _MISSING when the attribute was inherited: put back exactly as it was.
            self._undo.append((owner, attribute, vars(owner).get(attribute, _MISSING)))
            setattr(owner, attribute, replacement)

    def uninstall(self) -> None:
        """Put back exactly what install replaced, last first."""
        while self._undo:
            owner, attribute, original = self._undo.pop()
            if original is _MISSING:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, original)


HOOKS: list[Hook] = []  # the hooks hooks() installs, in order; each engine module adds its own
_entered = [0]  # octavo layouts inside hooks() now, in all threads


def register(hook: Hook) -> Hook:
    """Add a hook to those hooks() installs."""
    HOOKS.append(hook)
    return hook


@contextmanager
def installed() -> Iterator[list[Hook]]:
    """Within this block, the registered hooks that pass their checks are installed (the first octavo layout in
    installs them, the last out undoes them); nested and concurrent blocks share one installation."""
    with _lock:
        if _entered[0] == 0:
            for hook in HOOKS:
                if hook.usable():
                    try:
                        hook.install()
                    except Exception as error:  # half installed: undone, and the build goes on without it
                        hook.uninstall()
                        hook.turn_off(f"installing it failed ({type(error).__name__}: {error})")
        _entered[0] += 1
        installed = [hook for hook in HOOKS if hook.installed]
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        yield installed
    finally:
        _local.depth -= 1
        with _lock:
            _entered[0] -= 1
            if _entered[0] == 0:
                for hook in reversed(HOOKS):
                    hook.uninstall()


def _after_fork() -> None:
    # A thread that held the lock at the fork does not exist in the child: it gets a lock of its own.
    global _lock
    _lock = threading.RLock()


os.register_at_fork(after_in_child=_after_fork)
