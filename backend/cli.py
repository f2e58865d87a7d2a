"""The `todo-api` command: serve, migrate, openapi, create-user, seed-demo."""

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.auth.accounts import create_account
from backend.auth.models import User, UserCreate
from backend.config import Settings, get_settings
from backend.db import create_db_engine, open_session
from backend.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from backend.errors import ConflictError, describe_errors
from backend.logs import logging_config
from backend.schema import run_migrations
from backend.startup import explain_startup_error, schema_revision

DEFAULT_OPENAPI_PATH = Path("specs/openapi.json")


@asynccontextmanager
async def migrated_database(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on the configured database, its schema brought up to date; disposed after."""
    engine = create_db_engine(settings)
    try:
        await run_migrations(engine)
        yield engine
    finally:
        await engine.dispose()


async def _migrate() -> tuple[str | None, str | None]:
    """The schema's revision before and after applying the migrations."""
    engine = create_db_engine(get_settings())
    try:
        before = await schema_revision(engine)
        await run_migrations(engine)
        return before, await schema_revision(engine)
    finally:
        await engine.dispose()


def migrate(_args: argparse.Namespace) -> None:
    """Apply all migrations (under an advisory lock on Postgres) and say what changed."""
    before, after = asyncio.run(_migrate())
    if before is None:
        print(f"Created the database schema (revision {after}).")
    elif before == after:
        print(f"Database is up to date (revision {after}).")
    else:
        print(f"Upgraded the database schema from revision {before} to {after}.")


def serve(args: argparse.Namespace) -> None:
    """Migrate, then serve the API with uvicorn."""
    import uvicorn

    settings = get_settings()
    migrate(args)
    shown_host = "localhost" if args.host in ("0.0.0.0", "127.0.0.1", "::") else args.host  # noqa: S104
    print(
        f"Todo API on http://{shown_host}:{args.port} — docs at http://{shown_host}:{args.port}/docs"
    )
    uvicorn.run(
        "backend.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        reload=args.reload,
        workers=None if args.reload else args.workers,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=",".join(settings.forwarded_allow_ips),
        log_config=logging_config(settings),
    )


def render_openapi() -> str:
    """The app's OpenAPI document as stable, pretty JSON."""
    from backend.main import create_app

    return json.dumps(create_app().openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(args: argparse.Namespace) -> None:
    """Write the OpenAPI contract file."""
    args.output.write_text(render_openapi())
    print(f"Wrote {args.output}")


def create_user(args: argparse.Namespace) -> None:
    """Create a password account; the password is prompted for unless `--password` is given."""
    password = args.password or getpass.getpass("Password (8 characters to 72 bytes): ")
    try:
        user_in = UserCreate(email=args.email, password=password, name=args.name)
    except ValidationError as exc:
        sys.exit(f"Invalid user: {describe_errors(exc.errors())}")
    try:
        user = asyncio.run(_create_user(user_in))
    except ConflictError as exc:
        sys.exit(exc.message)
    print(f"Created user {user.id} <{user.email}>")


async def _create_user(user_in: UserCreate) -> User:
    settings = get_settings()
    async with migrated_database(settings) as engine, open_session(engine) as session:
        user = await create_account(session=session, user_in=user_in, settings=settings)
        await session.commit()
        return user


def seed_demo_account(_args: argparse.Namespace) -> None:
    """Create the demo account and its sample tasks (idempotent)."""
    added = asyncio.run(_seed_demo())
    state = f"added {added} sample tasks" if added else "already had tasks; left as is"
    print(f"Demo account {DEMO_EMAIL} / {DEMO_PASSWORD}: {state}.")


async def _seed_demo() -> int:
    settings = get_settings()
    async with migrated_database(settings) as engine, open_session(engine) as session:
        _user, added = await seed_demo(session, settings=settings)
        await session.commit()
        return added


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface: every command and option says what it does and its default."""
    parser = argparse.ArgumentParser(
        prog="todo-api",
        description="The Todo API server and its tools. Settings come from the environment "
        "or .env (see .env.example).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, handler: Callable[[argparse.Namespace], None]) -> Any:
        sub = commands.add_parser(
            name,
            help=summary,
            description=f"{summary[0].upper()}{summary[1:]}.",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        sub.set_defaults(handler=handler)
        return sub

    serve_cmd = command("serve", "apply migrations, then run the API server", serve)
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve_cmd.add_argument("--reload", action="store_true", help="restart on code changes")
    serve_cmd.add_argument(
        "--workers", type=int, default=1, help="worker processes (ignored with --reload)"
    )

    command("migrate", "bring the database schema up to date and say what changed", migrate)

    openapi_cmd = command("openapi", "write the OpenAPI contract file", write_openapi)
    openapi_cmd.add_argument(
        "--output", type=Path, default=DEFAULT_OPENAPI_PATH, help="file to write"
    )

    user_cmd = command("create-user", "create an account with a password", create_user)
    user_cmd.add_argument("--email", required=True, help="the account's email (required)")
    user_cmd.add_argument("--name", default=None, help="display name")
    user_cmd.add_argument("--password", help="omit to be prompted (keeps it out of shell history)")

    command(
        "seed-demo",
        f"create the demo account ({DEMO_EMAIL} / {DEMO_PASSWORD}) with sample tasks",
        seed_demo_account,
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `todo-api` console script; a configuration or connection error is
    one line naming the setting (exit status 1), not a traceback."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], None] = args.handler
    try:
        handler(args)
    except Exception as exc:
        explained = explain_startup_error(exc, _settings_if_valid())
        if explained is None:
            raise
        sys.exit(f"todo-api: {explained}")


def _settings_if_valid() -> Settings | None:
    try:
        return get_settings()
    except ValidationError:
        return None


if __name__ == "__main__":
    main(sys.argv[1:])
