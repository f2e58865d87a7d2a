"""The `todo-api` command: serve, migrate, openapi."""

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from backend.config import get_settings
from backend.db import create_db_engine, run_migrations
from backend.logs import logging_config

DEFAULT_OPENAPI_PATH = Path("specs/openapi.json")


def migrate(_args: argparse.Namespace) -> None:
    """Apply all migrations (under an advisory lock on Postgres)."""
    engine = create_db_engine(get_settings())
    try:
        run_migrations(engine)
    finally:
        engine.dispose()
    print("Database is up to date.")


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


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="todo-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve_cmd = commands.add_parser("serve", help="apply migrations and run the API server")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--reload", action="store_true", help="restart on code changes")
    serve_cmd.add_argument("--workers", type=int, default=1)
    serve_cmd.set_defaults(handler=serve)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=migrate)

    openapi_cmd = commands.add_parser("openapi", help="write the OpenAPI contract file")
    openapi_cmd.add_argument("--output", type=Path, default=DEFAULT_OPENAPI_PATH)
    openapi_cmd.set_defaults(handler=write_openapi)
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `todo-api` console script."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], None] = args.handler
    handler(args)


if __name__ == "__main__":
    main(sys.argv[1:])
