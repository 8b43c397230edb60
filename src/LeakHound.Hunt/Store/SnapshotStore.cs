using LeakHound.Analysis.Trends;
using LeakHound.Core;
using Microsoft.Data.Sqlite;

namespace LeakHound.Hunt.Store;

/// <summary>
/// A hunt's SQLite file (docs/formats/hunt-store.md): the hunt, its sessions, segments and
/// snapshots with their raw profiles and metrics. Each snapshot is written in its own
/// transaction as it arrives (WAL journal, synchronous=FULL), so a crash or Ctrl-C loses nothing
/// already taken. Opening an existing store resumes it (numbering continues; restarts are detected
/// against the last stored snapshot) or reads it back for analysis. A file that is not a hunt
/// store, or is damaged, is an <see cref="InputException"/>. Not thread-safe: one caller at a time.
/// </summary>
public sealed class SnapshotStore : IDisposable
{
    static SnapshotStore() => SQLitePCL.Batteries_V2.Init();

    private readonly SqliteConnection _db;
    private Dictionary<string, double>? _lastMetrics;

    private SnapshotStore(SqliteConnection db, string path, bool readOnly)
    {
        _db = db;
        Path = path;
        ReadOnly = readOnly;
    }

    /// <summary>The file, as given.</summary>
    public string Path { get; }

    public bool ReadOnly { get; }

    /// <summary>The service hunted.</summary>
    public Uri Target { get; private set; } = null!;

    public DateTimeOffset Created { get; private set; }

    /// <summary>Number of the last snapshot stored (0 when none).</summary>
    public int LastSequence { get; private set; }

    /// <summary>The segment new snapshots go into (0 until a restart is seen).</summary>
    public int CurrentSegment { get; private set; }

    /// <summary>The session appending (0 before <see cref="BeginSession"/>).</summary>
    public int CurrentSession { get; private set; }

    /// <summary>
    /// The last value of each metric in the current segment (a partial snapshot that lacked a
    /// metric leaves the earlier value); null before the first snapshot that was not a gap.
    /// </summary>
    public IReadOnlyDictionary<string, double>? LastMetrics => _lastMetrics;

    /// <summary>Whether the service refused a connection since the last snapshot that was not a gap.</summary>
    public bool RefusedSinceLastData { get; private set; }

    /// <summary>Creates a new store for <paramref name="target"/>; an existing file is an <see cref="InputException"/>.</summary>
    public static SnapshotStore Create(string path, Uri target)
    {
        if (File.Exists(path) || Directory.Exists(path))
            throw new InputException(path, "already exists: resume it with --resume, or choose another --store");
        var now = DateTimeOffset.UtcNow;
        SqliteConnection? db = null;
        try
        {
            db = Connect(path, SqliteOpenMode.ReadWriteCreate);
            Exec(db, null, "PRAGMA page_size=65536");
            Exec(db, null, "PRAGMA journal_mode=WAL");
            SetWriteOptions(db);
            using (var tx = db.BeginTransaction())
            {
                Exec(db, tx, $"PRAGMA application_id={StoreSchema.ApplicationId}");
                Exec(db, tx, $"PRAGMA user_version={StoreSchema.Version}");
                Exec(db, tx, StoreSchema.Create);
                Exec(db, tx,
                    "INSERT INTO hunt (id, format, target_url, created_ms, leakhound_version) VALUES (1, $format, $target, $created, $version)",
                    ("$format", StoreSchema.Format), ("$target", target.ToString()), ("$created", now.ToUnixTimeMilliseconds()), ("$version", Version));
                Exec(db, tx, "INSERT INTO segments (id, started_ms, first_snapshot, reason) VALUES (0, $t, NULL, 'hunt started')", ("$t", now.ToUnixTimeMilliseconds()));
                tx.Commit();
            }
            var store = new SnapshotStore(db, path, readOnly: false) { Target = target, Created = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()) };
            db = null;
            return store;
        }
        catch (SqliteException e)
        {
            // Leave nothing half-made behind.
            db?.Dispose();
            db = null;
            foreach (var f in new[] { path, path + "-wal", path + "-shm" })
                try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new InputException(path, "cannot create the hunt store: " + Message(e));
        }
        finally
        {
            db?.Dispose();
        }
    }

    /// <summary>
    /// Opens an existing store, to resume it or (<paramref name="readOnly"/>) to read it back.
    /// A missing file, a file that is not a hunt store, a store of a newer version, or a damaged
    /// one is an <see cref="InputException"/>.
    /// </summary>
    public static SnapshotStore Open(string path, bool readOnly = false)
    {
        if (!File.Exists(path)) throw new InputException(path, "no such file");
        if (new FileInfo(path).Length == 0) throw new InputException(path, "an empty file, not a LeakHound hunt store");
        SqliteConnection? db = null;
        try
        {
            db = Connect(path, readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite);
            long appId = Scalar(db, "PRAGMA application_id");
            if (appId != StoreSchema.ApplicationId)
                throw new InputException(path, "an SQLite database, but not a LeakHound hunt store");
            long version = Scalar(db, "PRAGMA user_version");
            if (version > StoreSchema.Version)
                throw new InputException(path, $"a hunt store of version {version}, newer than this LeakHound reads ({StoreSchema.Version}): upgrade LeakHound");
            if (version < 1) throw new InputException(path, "a damaged hunt store: no schema version");
            if (!readOnly)
            {
                Exec(db, null, "PRAGMA journal_mode=WAL");
                SetWriteOptions(db);
            }

            var store = new SnapshotStore(db, path, readOnly);
            store.LoadState();
            db = null;
            return store;
        }
        catch (SqliteException e)
        {
            throw new InputException(path, Message(e));
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw new InputException(path, Damaged(e));
        }
        finally
        {
            db?.Dispose();
        }
    }

    /// <summary>Records the start of a session (a hunt run or a resume) and appends in its name from now on.</summary>
    public int BeginSession(ServiceEndpoints endpoints, string optionsJson)
    {
        WriteGuard(() =>
        {
            using var tx = _db.BeginTransaction();
            Exec(_db, tx,
                "INSERT INTO sessions (started_ms, pprof_url, vars_url, metrics_url, endpoints, options) VALUES ($t, $p, $v, $m, $e, $o)",
                ("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
                ("$p", endpoints.PprofIndex?.ToString()), ("$v", endpoints.Vars?.ToString()), ("$m", endpoints.Metrics?.ToString()),
                ("$e", string.Join("\n", endpoints.Describe())), ("$o", optionsJson));
            CurrentSession = (int)Scalar(_db, "SELECT last_insert_rowid()", tx);
            tx.Commit();
        });
        return CurrentSession;
    }

    /// <summary>
    /// Stores one snapshot in its own transaction and returns its row. A snapshot that is not a
    /// gap and has a <paramref name="newSegmentReason"/> starts a new segment.
    /// </summary>
    public StoredSnapshot Append(TakenSnapshot s, string? newSegmentReason)
    {
        if (CurrentSession == 0) throw new InvalidOperationException("BeginSession before Append");
        bool gap = s.Status == SnapshotStatus.Gap;
        int seq = LastSequence + 1;
        int segment = CurrentSegment;
        bool newSegment = !gap && newSegmentReason is not null;
        if (newSegment) segment++;
        WriteGuard(() =>
        {
            using var tx = _db.BeginTransaction();
            if (newSegment)
                Exec(_db, tx, "INSERT INTO segments (id, started_ms, first_snapshot, reason) VALUES ($id, $t, $seq, $reason)",
                    ("$id", segment), ("$t", s.Time.ToUnixTimeMilliseconds()), ("$seq", seq), ("$reason", newSegmentReason));
            Exec(_db, tx,
                "INSERT INTO snapshots (seq, session, segment, time_ms, duration_ms, status, error, refused, heap, goroutines) " +
                "VALUES ($seq, $session, $segment, $t, $d, $status, $error, $refused, $heap, $goroutines)",
                ("$seq", seq), ("$session", CurrentSession), ("$segment", segment), ("$t", s.Time.ToUnixTimeMilliseconds()),
                ("$d", (long)s.Duration.TotalMilliseconds), ("$status", StoreSchema.StatusText(s.Status)), ("$error", s.Error),
                ("$refused", s.Refused ? 1 : 0), ("$heap", s.Heap), ("$goroutines", s.Goroutines));
            if (s.Metrics.Count > 0)
            {
                using var cmd = _db.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO metrics (snapshot, name, value) VALUES ($seq, $name, $value)";
                var pSeq = cmd.Parameters.Add("$seq", SqliteType.Integer);
                var pName = cmd.Parameters.Add("$name", SqliteType.Text);
                var pValue = cmd.Parameters.Add("$value", SqliteType.Real);
                pSeq.Value = seq;
                foreach (var (name, value) in s.Metrics)
                {
                    if (double.IsNaN(value)) continue; // SQLite stores NaN as NULL
                    pName.Value = name;
                    pValue.Value = value;
                    cmd.ExecuteNonQuery();
                }
            }
            tx.Commit();
        });

        LastSequence = seq;
        CurrentSegment = segment;
        if (gap)
        {
            RefusedSinceLastData |= s.Refused;
        }
        else
        {
            if (newSegment || _lastMetrics is null) _lastMetrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in s.Metrics) _lastMetrics[name] = value;
            RefusedSinceLastData = s.Refused;
        }
        var time = DateTimeOffset.FromUnixTimeMilliseconds(s.Time.ToUnixTimeMilliseconds());
        return new StoredSnapshot(seq, CurrentSession, segment, time, TimeSpan.FromMilliseconds((long)s.Duration.TotalMilliseconds),
            s.Status, s.Error, s.Refused, s.Heap, s.Goroutines, s.Metrics);
    }

    /// <summary>Every snapshot, gaps included, in the order taken (which is time order), profiles as stored.</summary>
    public IEnumerable<StoredSnapshot> ReadAll()
    {
        var metrics = ReadMetrics();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT seq, session, segment, time_ms, duration_ms, status, error, refused, heap, goroutines FROM snapshots ORDER BY seq";
        using var r = Guard(cmd.ExecuteReader);
        while (Guard(r.Read))
            yield return Guard(() => Row(r, metrics));
    }

    private StoredSnapshot Row(SqliteDataReader r, Dictionary<int, IReadOnlyDictionary<string, double>> metrics)
    {
        int seq = r.GetInt32(0);
        var status = StoreSchema.ParseStatus(r.GetString(5))
            ?? throw new InputException(Path, $"snapshot {seq}: unknown status \"{r.GetString(5)}\"");
        return new StoredSnapshot(
            seq,
            r.GetInt32(1),
            r.GetInt32(2),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
            TimeSpan.FromMilliseconds(r.GetInt64(4)),
            status,
            r.IsDBNull(6) ? null : r.GetString(6),
            r.GetInt64(7) != 0,
            Blob(r, 8, seq),
            Blob(r, 9, seq),
            metrics.TryGetValue(seq, out var m) ? m : Empty);
    }

    /// <summary>
    /// The snapshots as the analysis reads them (profiles parsed), in time order; gaps only when
    /// <paramref name="includeGaps"/> (as snapshots with no profiles and no metrics).
    /// </summary>
    public IEnumerable<Snapshot> ReadSnapshots(bool includeGaps = false)
    {
        foreach (var s in ReadAll())
            if (includeGaps || s.Status != SnapshotStatus.Gap)
                yield return s.ToSnapshot(Path);
    }

    public IReadOnlyList<StoredSegment> ReadSegments() => Guard(() =>
    {
        var list = new List<StoredSegment>();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT id, started_ms, first_snapshot, reason FROM segments ORDER BY id";
        using var r = Guard(cmd.ExecuteReader);
        while (Guard(r.Read))
            list.Add(new StoredSegment(r.GetInt32(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetString(3)));
        return (IReadOnlyList<StoredSegment>)list;
    });

    public IReadOnlyList<HuntSession> ReadSessions() => Guard(() =>
    {
        var list = new List<HuntSession>();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT id, started_ms, pprof_url, vars_url, metrics_url, endpoints, options FROM sessions ORDER BY id";
        using var r = Guard(cmd.ExecuteReader);
        while (Guard(r.Read))
        {
            list.Add(new HuntSession(
                r.GetInt32(0),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
                UrlOrNull(r, 2),
                UrlOrNull(r, 3),
                UrlOrNull(r, 4),
                r.GetString(5),
                r.GetString(6)));
        }
        return (IReadOnlyList<HuntSession>)list;
    });

    /// <summary>Snapshots stored, and how many of them are gaps.</summary>
    public (int Snapshots, int Gaps) Count() => Guard(() =>
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT count(*), coalesce(sum(status = 'gap'), 0) FROM snapshots";
        using var r = Guard(cmd.ExecuteReader);
        Guard(r.Read);
        return (r.GetInt32(0), r.GetInt32(1));
    });

    /// <summary>
    /// Closes the store. A writer first turns the write-ahead log back into a plain database file
    /// (journal_mode=DELETE, which checkpoints it), so the store is one file again and reading it
    /// later creates no -wal or -shm beside it. When a reader still has it open that cannot be done;
    /// the store stays in WAL mode, as readable.
    /// </summary>
    public void Dispose()
    {
        if (!ReadOnly && _db.State == System.Data.ConnectionState.Open)
        {
            try
            {
                Exec(_db, null, "PRAGMA journal_mode=DELETE");
            }
            catch (SqliteException)
            {
                // Busy: another connection reads it. Nothing is lost.
            }
        }
        _db.Dispose();
    }

    private static readonly IReadOnlyDictionary<string, double> Empty = new Dictionary<string, double>();

    private static string Version => HuntVersion.Text;

    private void LoadState()
    {
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = "SELECT format, target_url, created_ms FROM hunt WHERE id = 1";
            using var r = cmd.ExecuteReader();
            if (!r.Read()) throw new InputException(Path, "a damaged hunt store: no hunt row");
            if (r.GetString(0) != StoreSchema.Format) throw new InputException(Path, "not a LeakHound hunt store (unknown format \"" + r.GetString(0) + "\")");
            if (!Uri.TryCreate(r.GetString(1), UriKind.Absolute, out var target))
                throw new InputException(Path, "a damaged hunt store: the target is not a URL");
            Target = target;
            Created = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2));
        }
        LastSequence = (int)Scalar(_db, "SELECT coalesce(max(seq), 0) FROM snapshots");
        CurrentSegment = (int)Scalar(_db, "SELECT coalesce(max(id), 0) FROM segments");
        long lastData = Scalar(_db, "SELECT coalesce(max(seq), 0) FROM snapshots WHERE status <> 'gap'");
        // The last data row itself may record a refusal (the service died during that round).
        RefusedSinceLastData = Scalar(_db, $"SELECT count(*) FROM snapshots WHERE seq >= {lastData} AND refused <> 0") > 0;
        if (lastData > 0)
        {
            _lastMetrics = new Dictionary<string, double>(StringComparer.Ordinal);
            using var cmd = _db.CreateCommand();
            cmd.CommandText = $"SELECT m.name, m.value FROM metrics m JOIN snapshots s ON s.seq = m.snapshot WHERE s.segment = {CurrentSegment} ORDER BY s.seq";
            using var r = cmd.ExecuteReader();
            while (r.Read()) _lastMetrics[r.GetString(0)] = r.GetDouble(1);
        }
    }

    private Dictionary<int, IReadOnlyDictionary<string, double>> ReadMetrics() => Guard(() =>
    {
        var all = new Dictionary<int, IReadOnlyDictionary<string, double>>();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT snapshot, name, value FROM metrics ORDER BY snapshot";
        using var r = Guard(cmd.ExecuteReader);
        Dictionary<string, double>? current = null;
        int currentSeq = -1;
        while (Guard(r.Read))
        {
            int seq = r.GetInt32(0);
            if (seq != currentSeq)
            {
                current = new Dictionary<string, double>(StringComparer.Ordinal);
                all[seq] = current;
                currentSeq = seq;
            }
            current![r.GetString(1)] = r.IsDBNull(2) ? double.NaN : r.GetDouble(2);
        }
        return all;
    });

    private byte[]? Blob(SqliteDataReader r, int column, int seq)
    {
        if (r.IsDBNull(column)) return null;
        long length = r.GetBytes(column, 0, null, 0, 0);
        if (length > Array.MaxLength)
            throw new InputException(Path, $"snapshot {seq}: a profile of {length} bytes is over the limit of {Array.MaxLength}");
        var bytes = new byte[length];
        r.GetBytes(column, 0, bytes, 0, (int)length);
        return bytes;
    }

    private static Uri? UrlOrNull(SqliteDataReader r, int column) =>
        r.IsDBNull(column) || !Uri.TryCreate(r.GetString(column), UriKind.Absolute, out var u) ? null : u;

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException e)
        {
            throw new InputException(Path, Message(e));
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw new InputException(Path, Damaged(e));
        }
    }

    /// <summary>What a damaged file does to the reader: NULL where NOT NULL was written, text where numbers were.</summary>
    private static bool IsDamage(Exception e) => e is InvalidOperationException or InvalidCastException or FormatException or OverflowException;

    private static string Damaged(Exception e) => "a damaged hunt store (" + e.Message.ReplaceLineEndings(" ") + ")";

    private void WriteGuard(Action write)
    {
        if (ReadOnly) throw new InvalidOperationException("the store was opened read-only");
        try
        {
            write();
        }
        catch (SqliteException e)
        {
            throw new InputException(Path, "cannot write to the hunt store: " + Message(e));
        }
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false, // a pooled connection would keep the file open (and its -wal file) after Dispose
            DefaultTimeout = 30,
        };
        var db = new SqliteConnection(cs.ToString());
        db.Open();
        return db;
    }

    /// <summary>
    /// Every commit reaches the disk (synchronous=FULL); the WAL is copied back into the file every
    /// 4 MB (64 pages of 64 KB), so each checkpoint stays a few milliseconds rather than one 64 MB
    /// copy every sixty 1 MB snapshots.
    /// </summary>
    private static void SetWriteOptions(SqliteConnection db)
    {
        Exec(db, null, "PRAGMA synchronous=FULL");
        Exec(db, null, "PRAGMA wal_autocheckpoint=64");
    }

    private static void Exec(SqliteConnection db, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar() is long v ? v : 0;
    }

    /// <summary>SQLite's complaint as one line a user can act on.</summary>
    private static string Message(SqliteException e) => e.SqliteErrorCode switch
    {
        26 => "not a LeakHound hunt store (not an SQLite database)",
        11 => "a damaged hunt store (SQLite: the database disk image is malformed)",
        13 => "the disk is full",
        14 => "cannot open the file",
        8 => "the file is read-only",
        5 or 6 => "the store is locked by another program",
        _ => "SQLite: " + e.Message.ReplaceLineEndings(" "),
    };
}
