"""Checks that the PostgreSQL migrations build the same tables and columns as the SQLite ones.

Usage: python3 scripts/schema_parity.py POSTGRES_URL
Applies crates/server/migrations/*.sql to an in-memory SQLite database and
crates/server/migrations_postgres/*.sql (with psql) to the given empty PostgreSQL database, then
compares the (table, column) sets and each column's NOT NULL. Prints the differences and exits 1
when there are any: a schema change must be written for both backends.
"""
import pathlib
import sqlite3
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SQLITE_DIR = ROOT / "crates/server/migrations"
POSTGRES_DIR = ROOT / "crates/server/migrations_postgres"


def sqlite_columns():
    db = sqlite3.connect(":memory:")
    for path in sorted(SQLITE_DIR.glob("*.sql")):
        db.executescript(path.read_text(encoding="utf-8"))
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    columns = set()
    for table in tables:
        for _cid, name, _type, notnull, _default, pk in db.execute(f"PRAGMA table_info('{table}')"):
            # SQLite lets a non-INTEGER primary key column hold NULL unless NOT NULL is written;
            # PostgreSQL's primary keys are always NOT NULL: compare them as NOT NULL.
            columns.add((table, name, bool(notnull or pk)))
    return columns


def postgres_columns(url):
    for path in sorted(POSTGRES_DIR.glob("*.sql")):
        subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path)], check=True)
    out = subprocess.run(
        ["psql", url, "-tA", "-F", "\t", "-c",
         "SELECT table_name, column_name, is_nullable FROM information_schema.columns "
         "WHERE table_schema = 'public'"],
        check=True, capture_output=True, text=True).stdout
    columns = set()
    for line in out.splitlines():
        table, name, nullable = line.split("\t")
        columns.add((table, name, nullable == "NO"))
    return columns


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    lite, pg = sqlite_columns(), postgres_columns(sys.argv[1])
    only_lite, only_pg = sorted(lite - pg), sorted(pg - lite)
    for table, name, notnull in only_lite:
        print(f"only in SQLite:     {table}.{name}{' NOT NULL' if notnull else ''}")
    for table, name, notnull in only_pg:
        print(f"only in PostgreSQL: {table}.{name}{' NOT NULL' if notnull else ''}")
    if only_lite or only_pg:
        sys.exit(1)
    print(f"schemas match: {len({c[0] for c in lite})} tables, {len(lite)} columns")


if __name__ == "__main__":
    main()
