namespace LeakHound.Hunt.Store;

/// <summary>The hunt store's SQLite schema, version 1 (docs/formats/hunt-store.md).</summary>
internal static class StoreSchema
{
    /// <summary><c>PRAGMA application_id</c> of every hunt store: "LHNT".</summary>
    public const int ApplicationId = 0x4C484E54;

    /// <summary><c>PRAGMA user_version</c>: the schema version this code writes and reads.</summary>
    public const int Version = 1;

    public const string Format = "leakhound hunt store";

    public const string Create = """
        CREATE TABLE hunt (
            id                INTEGER PRIMARY KEY CHECK (id = 1),
            format            TEXT    NOT NULL,
            target_url        TEXT    NOT NULL,
            created_ms        INTEGER NOT NULL,
            leakhound_version TEXT    NOT NULL
        );
        CREATE TABLE sessions (
            id          INTEGER PRIMARY KEY,
            started_ms  INTEGER NOT NULL,
            pprof_url   TEXT,
            vars_url    TEXT,
            metrics_url TEXT,
            endpoints   TEXT    NOT NULL,
            options     TEXT    NOT NULL
        );
        CREATE TABLE segments (
            id             INTEGER PRIMARY KEY,
            started_ms     INTEGER NOT NULL,
            first_snapshot INTEGER,
            reason         TEXT    NOT NULL
        );
        CREATE TABLE snapshots (
            seq         INTEGER PRIMARY KEY,
            session     INTEGER NOT NULL REFERENCES sessions(id),
            segment     INTEGER NOT NULL REFERENCES segments(id),
            time_ms     INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            status      TEXT    NOT NULL CHECK (status IN ('ok', 'partial', 'gap')),
            error       TEXT,
            refused     INTEGER NOT NULL DEFAULT 0,
            heap        BLOB,
            goroutines  BLOB
        );
        CREATE TABLE metrics (
            snapshot INTEGER NOT NULL REFERENCES snapshots(seq),
            name     TEXT    NOT NULL,
            value    REAL    NOT NULL,
            PRIMARY KEY (snapshot, name)
        ) WITHOUT ROWID;
        """;

    public static string StatusText(SnapshotStatus s) => s switch
    {
        SnapshotStatus.Ok => "ok",
        SnapshotStatus.Partial => "partial",
        _ => "gap",
    };

    public static SnapshotStatus? ParseStatus(string s) => s switch
    {
        "ok" => SnapshotStatus.Ok,
        "partial" => SnapshotStatus.Partial,
        "gap" => SnapshotStatus.Gap,
        _ => null,
    };
}
