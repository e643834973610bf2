"""Prompts: one per mode, the working instructions for that kind of work.

The modes exist to steer how an assistant works: planning is about design
and breaking requirements down, debugging about the root cause, and so on.
Each prompt is named after its mode and filled in with the session it is
for (the served project's current session, or the one named by the optional
``session`` argument): its name, status, tags, metadata and the file being
worked on. When the session is in another mode, the prompt says so, so the
assistant can pick the prompt that matches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Final

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import Prompt
from mcp.shared.exceptions import MCPError
from mcp_types import INTERNAL_ERROR, INVALID_PARAMS
from pydantic import Field

from helix_lsp.mcp.access import Access, current_session
from helix_lsp.session import Mode, Session, SessionError, SessionManager

#: (title, what the work is about, how to work) for each mode
INSTRUCTIONS: Final[dict[Mode, tuple[str, str, tuple[str, ...]]]] = {
    Mode.PLANNING: (
        "Planning",
        "design and breaking down requirements",
        (
            "Clarify the goal, the constraints and what done means before proposing code.",
            "Break the requirements into small, ordered tasks that can each be built and "
            "tested on their own.",
            "Compare design options and their trade-offs; name the risks and open questions.",
            "Write the plan down (tasks, interfaces, data shapes); do not implement yet.",
        ),
    ),
    Mode.BUILDING: (
        "Building",
        "implementation",
        (
            "Implement the agreed design in small, working steps that follow the "
            "project's conventions.",
            "Keep changes focused on the task; leave unrelated code alone.",
            "Write clear names, types and docstrings, and handle errors explicitly.",
            "After each step, say what changed and how to check that it works.",
        ),
    ),
    Mode.TESTING: (
        "Testing",
        "tests and edge cases",
        (
            "Write tests that assert behaviour a user would notice, not implementation details.",
            "Cover edge cases: empty and huge inputs, invalid values, boundaries, "
            "concurrency, failures of dependencies.",
            "Make each test fail for the right reason before the fix, and keep tests "
            "independent and deterministic.",
            "Report what is covered, what is not, and any bug the tests reveal.",
        ),
    ),
    Mode.REFACTORING: (
        "Refactoring",
        "code smells and structure",
        (
            "Improve structure without changing behaviour; keep the tests green at every step.",
            "Look for code smells: duplication, long functions, unclear names, deep "
            "nesting, tight coupling, dead code.",
            "Prefer small, reversible steps (extract, rename, move) and explain each one.",
            "Do not add features or fix unrelated bugs in the same change; note them instead.",
        ),
    ),
    Mode.DEBUGGING: (
        "Debugging",
        "root cause and fixes",
        (
            "Reproduce the problem first and state the observed versus the expected behaviour.",
            "Form hypotheses and test them with evidence (logs, a debugger, a minimal "
            "reproduction) before changing code.",
            "Find the root cause, not just the symptom; explain why it happens.",
            "Propose the smallest fix that addresses the cause, and a regression test for it.",
        ),
    ),
    Mode.DEPLOYMENT: (
        "Deployment",
        "CI/CD, configuration and release notes",
        (
            "Check the CI/CD pipeline, build steps and the versions being released.",
            "Review configuration and environment differences, secrets handling and "
            "migrations; plan a rollback.",
            "Make the release reproducible and observable (health checks, logs, metrics).",
            "Write release notes: what changed, what users must do, known issues.",
        ),
    ),
}


def _session_lines(sess: Session, mode: Mode) -> list[str]:
    lines = [
        f"Session: {sess.name} (id {sess.id}, project {sess.project_id}, {sess.status.value}).",
    ]
    if sess.mode is mode:
        lines.append(f"The session is in {mode.value} mode.")
    else:
        lines.append(
            f"Note: the session is in {sess.mode.value} mode, not {mode.value}; the "
            f"{sess.mode.value} prompt matches it (set_mode changes it)."
        )
    if sess.description:
        lines.append(f"Description: {sess.description}")
    lines.append("Tags: " + (", ".join(sess.tags) if sess.tags else "(none)"))
    if sess.metadata:
        lines.append("Metadata: " + ", ".join(f"{k}={v}" for k, v in sess.metadata.items()))
    ctx = sess.context
    file = ctx.get("current_file")
    if file:
        where = file + (f", line {ctx['current_line']}" if ctx.get("current_line") else "")
        lines.append(f"Current file: {where}")
    else:
        lines.append("Current file: (none recorded yet)")
    if ctx.get("branch"):
        lines.append(f"Branch: {ctx['branch']}")
    return lines


def render(mode: Mode, sess: Session | None, project: str) -> str:
    """The ``mode`` prompt's text for ``sess`` (or for no session)."""
    title, focus, steps = INSTRUCTIONS[mode]
    header = f"{title} mode: the focus is {focus}."
    if sess is None:
        context = [
            f"Project {project} has no current session; create_session (mode {mode.value}) "
            "starts tracking this work."
        ]
    else:
        context = _session_lines(sess, mode)
    body = [f"- {step}" for step in steps]
    return "\n".join([header, "", *context, "", "How to work:", *body])


def _prompt_for(mgr: SessionManager, project: str, mode: Mode, ref: str | None) -> str:
    sess = current_session(mgr, project) if ref is None else mgr.get(ref)
    return render(mode, sess, project)


def _make_prompt(access: Access, mode: Mode) -> Callable[..., Awaitable[str]]:
    async def prompt(
        session: Annotated[
            str | None,
            Field(description="the session's id or name (default: the project's current one)"),
        ] = None,
    ) -> str:
        try:
            return await access.call(_prompt_for, access.manager, access.project, mode, session)
        except SessionError as err:
            code = (
                INVALID_PARAMS if err.kind in ("not_found", "invalid_argument") else INTERNAL_ERROR
            )
            raise MCPError(code, str(err), {"kind": err.kind}) from err

    return prompt


def register(server: MCPServer[Any], access: Access) -> None:
    """Add one prompt per mode to ``server``."""
    for mode, (title, focus, _) in INSTRUCTIONS.items():
        server.add_prompt(
            Prompt.from_function(
                _make_prompt(access, mode),
                name=mode.value,
                title=f"{title} mode",
                description=f"Working instructions for {focus}, filled in with the session's "
                "name, tags, metadata and current file.",
            )
        )
