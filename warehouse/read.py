"""Read the published tables back (for the CLI and tests). Plain SQL, so BI tools can do the same."""

from datetime import date

import polars as pl
from sqlalchemy import Engine, TableClause, column, inspect, select, table, text
from sqlalchemy.exc import NoSuchTableError

from benchmart.errors import WarehouseError
from benchmart.warehouse.engine import dated


def read_frame(engine: Engine, sql: str, params: dict | None = None) -> pl.DataFrame:
    """Run a query (a `:d` parameter bound as a DATE) and return a Polars frame."""
    query = dated(sql) if ":d" in sql else text(sql)
    with engine.connect() as conn:
        result = conn.execute(query, params or {})
        cols = list(result.keys())
        rows = result.fetchall()
    return pl.DataFrame([tuple(r) for r in rows], schema=cols, orient="row", infer_schema_length=None)


def require_schema(engine: Engine) -> None:
    if not inspect(engine).has_table("mart_leaderboard"):
        raise WarehouseError(f"no benchmart tables in {engine.url.render_as_string(hide_password=True)}; run `benchmart run` first")


def snapshot_or_latest(engine: Engine, snapshot: date | None) -> date:
    require_schema(engine)
    if snapshot is not None:
        found = read_frame(engine, "SELECT count(*) AS n FROM mart_leaderboard WHERE snapshot_date = :d", {"d": snapshot})
        if found["n"][0] == 0:
            raise WarehouseError(f"no snapshot {snapshot} in the warehouse; `benchmart run --date {snapshot}` builds it")
        return snapshot
    latest = read_frame(engine, "SELECT max(snapshot_date) AS d FROM mart_leaderboard")["d"][0]
    if latest is None:
        raise WarehouseError("the warehouse holds no snapshot yet; run `benchmart run` first")
    return date.fromisoformat(str(latest)[:10])


def leaderboard(engine: Engine, snapshot: date, lane: str) -> pl.DataFrame:
    return read_frame(
        engine,
        """SELECT l.*, m.display_name FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
           WHERE l.snapshot_date = :d AND l.lane = :lane
           ORDER BY l.is_ranked DESC, l.rank, l.overall_score DESC, l.model_id""",
        {"d": snapshot, "lane": lane},
    )


def category_board(engine: Engine, snapshot: date, lane: str, category: str) -> pl.DataFrame:
    return read_frame(
        engine,
        """SELECT c.model_id, m.display_name, c.score, c.n_benchmarks, c.coverage
           FROM mart_category_score c JOIN dim_model m ON m.model_id = c.model_id
           WHERE c.snapshot_date = :d AND c.lane = :lane AND c.category_id = :cat
           ORDER BY c.score DESC, c.model_id""",
        {"d": snapshot, "lane": lane, "cat": category},
    )


def table_at(engine: Engine, name: str, snapshot: date | None = None, **equals) -> pl.DataFrame:
    """Rows of a table with their SQL types mapped back (dates as dates, booleans as booleans), columns in the
    table's order in the warehouse (a column a migration added comes last).

    The table's columns are reflected from the warehouse (one catalog query) rather than taken from the SQLModel
    classes, whose construction costs a read command ~0.2 s; a test holds the two to the same Polars types."""
    tbl = reflected(engine, name)
    query = select(tbl)
    if snapshot is not None:
        query = query.where(tbl.c.snapshot_date == snapshot)
    for field, value in equals.items():
        query = query.where(tbl.c[field] == value)
    with engine.connect() as conn:
        rows = conn.execute(query).fetchall()
    return pl.DataFrame([tuple(r) for r in rows], schema=polars_schema(tbl), orient="row")


def reflected(engine: Engine, name: str) -> TableClause:
    """The warehouse table `name` with its columns as the database describes them now (one catalog query: names
    and types only, no keys or indexes)."""
    try:
        columns = inspect(engine).get_columns(name)
    except NoSuchTableError:
        raise WarehouseError(f"no table {name} in {engine.url.render_as_string(hide_password=True)}; "
                             "run `benchmart warehouse upgrade` (or `benchmart run`) first") from None
    return table(name, *(column(c["name"], c["type"]) for c in columns))


def polars_schema(tbl: TableClause) -> dict[str, pl.DataType]:
    kinds = {
        "DATE": pl.Date, "DATETIME": pl.Datetime("us"), "TIMESTAMP": pl.Datetime("us"), "BOOLEAN": pl.Boolean,
        "INTEGER": pl.Int64, "BIGINT": pl.Int64, "SMALLINT": pl.Int64, "FLOAT": pl.Float64, "DOUBLE": pl.Float64,
        "DOUBLE PRECISION": pl.Float64, "REAL": pl.Float64,
    }
    return {c.name: kinds.get(str(c.type).upper().split("(")[0], pl.String) for c in tbl.columns}


def unmatched_names(engine: Engine, source: str | None = None, kind: str | None = None) -> pl.DataFrame:
    """Each unmatched (source, kind, name) as of the newest run that met it, newest first, then most rows."""
    require_schema(engine)
    if not inspect(engine).has_table("ops_unmatched_name"):
        where = engine.url.render_as_string(hide_password=True)
        raise WarehouseError(f"this warehouse predates ops_unmatched_name; run `benchmart warehouse upgrade --warehouse {where}`")
    where = " AND ".join(f"u.{c} = :{c}" for c, v in (("source_id", source), ("kind", kind)) if v) or "1 = 1"
    return read_frame(
        engine,
        f"""SELECT u.source_id, u.kind, u.name, u.rows, u.found_in, u.first_seen, u.last_seen, u.candidate
            FROM ops_unmatched_name u
            JOIN (SELECT source_id, kind, name, max(last_seen) AS last_seen FROM ops_unmatched_name GROUP BY source_id, kind, name) n
              ON n.source_id = u.source_id AND n.kind = u.kind AND n.name = u.name AND n.last_seen = u.last_seen
            WHERE {where}
            ORDER BY u.last_seen DESC, u.rows DESC, u.source_id, u.kind, u.name""",
        {"source_id": source, "kind": kind},
    ).unique(["source_id", "kind", "name"], keep="first", maintain_order=True)
