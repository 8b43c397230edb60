using System.Globalization;
using LeakHound.Core;
using LeakHound.Hunt;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound hunt URL</c>: snapshots a live Go service every interval (heap profile, goroutine
/// profile, expvar and Prometheus metrics) into a hunt store, showing progress as it goes; Ctrl-C
/// stops it and leaves a complete store.
/// </summary>
public static class HuntCommand
{
    public const string Usage = "leakhound hunt URL [--interval 15s] [--duration 10m | --snapshots N] [--store FILE] [--resume STORE] [--pprof-path PATH] [--json] [--report FILE.html]";

    internal static readonly Dictionary<string, bool> Known = new(HuntAnalysis.OutputOptions)
    {
        ["interval"] = true, ["duration"] = true, ["snapshots"] = true, ["store"] = true, ["resume"] = true, ["pprof_path"] = true,
    };

    /// <summary>Hunts, then analyses what was taken: the verdict, suspects and (with --report) the HTML report.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, Known);
        bool json = cl.Flag("json");
        // With --json, standard output is the JSON alone; progress goes to standard error.
        string store = RunHunt(args, json ? stderr : stdout, stderr, live: json ? false : null);
        (json ? stderr : stdout).WriteLine("store: " + store);
        var outcome = HuntAnalysis.Analyze([store], HuntAnalysis.Options(cl));
        if (!json) stdout.WriteLine();
        HuntAnalysis.Write(outcome, cl, stdout, stderr);
        return 0;
    }

    /// <summary>
    /// Runs the hunt the arguments describe and returns the store's path. Ctrl-C (or
    /// <paramref name="ct"/>) stops it cleanly. <paramref name="live"/> chooses one progress line
    /// rewritten in place (a terminal) or one line per snapshot; by default, live when standard
    /// output is not redirected.
    /// </summary>
    public static string RunHunt(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default, bool? live = null)
    {
        var cl = CommandLine.Parse(args, Known);
        if (cl.Positionals.Count > 1) throw new UsageException("usage: " + Usage);
        string? resume = cl.Get("resume");
        if (cl.Positionals.Count == 0 && resume is null) throw new UsageException("usage: " + Usage);
        if (resume is not null && cl.Get("store") is not null)
            throw new UsageException("--resume continues an existing store; --store names a new one: give one of them");
        if (cl.Get("duration") is not null && cl.Get("snapshots") is not null)
            throw new UsageException("give either --duration or --snapshots, not both");

        var options = new HuntOptions
        {
            Interval = cl.Get("interval") is { } i ? Durations.Parse(i) : TimeSpan.FromSeconds(15),
            Duration = cl.Get("duration") is { } d ? Durations.Parse(d) : null,
            MaxSnapshots = cl.Get("snapshots") is not null ? cl.Int("snapshots", 0) : null,
            PprofPath = cl.Get("pprof_path"),
        };
        Uri? target = cl.Positionals.Count == 1 ? ParseTarget(cl.Positionals[0]) : null;

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int presses = 0;
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            // The first Ctrl-C stops the hunt cleanly; a second one ends the process (the store is still readable).
            if (Interlocked.Increment(ref presses) > 1) return;
            e.Cancel = true;
            cts.Cancel();
        }
        Console.CancelKeyPress += OnCancel;
        try
        {
            using var hunter = resume is not null
                ? Hunter.ResumeAsync(resume, target, options, cts.Token).GetAwaiter().GetResult()
                : Hunter.StartAsync(target!, cl.Get("store") ?? DefaultStorePath(target!), options, cts.Token).GetAwaiter().GetResult();

            stdout.WriteLine($"{(resume is null ? "hunting" : "resuming the hunt on")} {hunter.Store.Target} {Plan(options)}; Ctrl-C stops");
            foreach (var line in hunter.Endpoints.Describe()) stdout.WriteLine(line);
            stdout.WriteLine("store:      " + hunter.StorePath);
            stdout.Flush();

            var printer = new ProgressPrinter(stdout, live ?? !Console.IsOutputRedirected);
            var summary = hunter.RunAsync(printer, cts.Token).GetAwaiter().GetResult();
            printer.Finish();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(summary.Cancelled ? "stopped" : "done")}: {Count(summary.Taken, "snapshot")} ({Count(summary.Gaps, "gap")}, {Count(summary.Restarts, "restart")}) in {Elapsed(summary.Elapsed)}"));
            stdout.Flush();
            return hunter.StorePath;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Cancelled while looking for the service's endpoints: nothing was stored.
            throw new UsageException("cancelled before the hunt started");
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    /// <summary><c>leakhound-HOST-yyyyMMdd-HHmmss.hunt</c> in the current folder (local time), made unique.</summary>
    public static string DefaultStorePath(Uri target)
    {
        string host = target.IdnHost.Trim('[', ']').Replace(':', '_');
        string stem = $"leakhound-{host}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        string path = stem + ".hunt";
        for (int n = 2; File.Exists(path); n++) path = $"{stem}-{n}.hunt";
        return path;
    }

    private static Uri ParseTarget(string s)
    {
        if (!s.Contains("://", StringComparison.Ordinal)) s = "http://" + s;
        if (!Uri.TryCreate(s, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"not an http:// URL: {s}");
        return uri;
    }

    private static string Count(int n, string what) => $"{n} {what}{(n == 1 ? "" : "s")}";

    private static string Plan(HuntOptions o)
    {
        string every = "every " + Elapsed(o.Interval);
        if (o.Duration is { } d) return $"{every} for {Elapsed(d)}";
        if (o.MaxSnapshots is int n) return $"{every}, {n} {(n == 1 ? "snapshot" : "snapshots")}";
        return every + " until stopped";
    }

    private static string Elapsed(TimeSpan t)
    {
        if (t.TotalSeconds < 1) return ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        if (t.TotalMinutes < 1) return t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s";
        if (t.TotalHours < 1) return $"{(int)t.TotalMinutes}m{(t.Seconds > 0 ? t.Seconds + "s" : "")}";
        return $"{(int)t.TotalHours}h{(t.Minutes > 0 ? t.Minutes + "m" : "")}";
    }

    /// <summary>Writes progress as it arrives (synchronously, unlike Progress&lt;T&gt;, so lines never interleave).</summary>
    private sealed class ProgressPrinter(TextWriter stdout, bool live) : IProgress<HuntProgress>
    {
        private int _lastLength;

        public void Report(HuntProgress p)
        {
            string state = p.Status switch
            {
                SnapshotStatus.Gap => "gap",
                SnapshotStatus.Partial => "partial",
                _ => "ok",
            };
            string heap = p.HeapInuseBytes is double h ? "heap " + Measurement.Label((long)h, "bytes") : "heap ?";
            string goroutines = p.Goroutines is double g ? ((long)g).ToString(CultureInfo.InvariantCulture) + " goroutines" : "? goroutines";
            string counts = $"{Count(p.Gaps, "gap")}, {Count(p.Restarts, "restart")}";
            string time = p.Time.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            if (live)
            {
                // Events worth keeping on screen get their own line above the live one.
                if (p.NewSegmentReason is not null) Permanent($"snapshot {p.Sequence} {time}: restart detected: {p.NewSegmentReason}");
                else if (p.Status != SnapshotStatus.Ok) Permanent($"snapshot {p.Sequence} {time}: {state}: {p.Error}");
                string line = $"snapshot {p.Sequence}  {time}  {heap}  {goroutines}  {counts}";
                stdout.Write('\r' + line + new string(' ', Math.Max(0, _lastLength - line.Length)));
                _lastLength = line.Length;
            }
            else
            {
                string line = $"snapshot {p.Sequence} {p.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} {state}";
                if (p.Status != SnapshotStatus.Gap) line += $" {heap} {goroutines}";
                line += $" ({counts})";
                if (p.NewSegmentReason is not null) line += ": restart detected: " + p.NewSegmentReason;
                if (p.Error is not null) line += ": " + p.Error;
                stdout.WriteLine(line);
            }
            stdout.Flush();
        }

        public void Finish()
        {
            if (live && _lastLength > 0) stdout.WriteLine();
            _lastLength = 0;
        }

        private void Permanent(string text)
        {
            stdout.Write('\r' + text.PadRight(_lastLength) + "\n");
            _lastLength = 0;
        }
    }
}
