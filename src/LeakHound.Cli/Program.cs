using LeakHound.Cli.Commands;
using LeakHound.Core;

namespace LeakHound.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        try
        {
            return Run(args, stdout, Console.Error);
        }
        finally
        {
            try { stdout.Flush(); } catch (IOException) { /* the reader went away (a closed pipe) */ }
        }
    }

    /// <summary>Runs one command; returns the exit code (0 ok, 2 bad usage or input).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args[0] is "help" or "-h" or "--help" or "-help")
            {
                stdout.Write(Help);
                return args.Length == 0 ? 2 : 0;
            }
            var rest = args.Skip(1).ToList();
            return args[0] switch
            {
                "top" => TopCommand.Run(rest, stdout, stderr),
                "dot" => DotCommand.Run(rest, stdout, stderr),
                "svg" => DotCommand.Run(rest, stdout, stderr, svg: true),
                "raw" => RawCommand.Run(rest, stdout, stderr),
                "export" or "merge" => ExportCommand.Run(rest, stdout, stderr),
                "proto" or "topproto" or "callgrind" => ExportCommand.Run(rest, stdout, stderr, args[0]),
                "goroutines" => GoroutinesCommand.Run(rest, stdout, stderr),
                "flame" => FlameCommand.Run(rest, stdout, stderr),
                "hunt" => HuntCommand.Run(rest, stdout, stderr),
                "analyze" => AnalyzeCommand.Run(rest, stdout, stderr),
                "check" => CheckCommand.Run(rest, stdout, stderr),
                "shell" => ShellCommand.Run(rest, Console.In, !Console.IsInputRedirected && !Console.IsOutputRedirected, stdout, stderr),
                "heapdump" => HeapDumpCommand.Run(rest, stdout, stderr),
                "traces" or "tree" or "peek" or "tags" or "comments" => TextReportCommand.Run(args[0], rest, stdout, stderr),
                "list" => ListCommand.Run(rest, stdout, stderr),
                "version" or "--version" => Version(stdout),
                _ => throw new UsageException($"unknown command \"{args[0]}\"; see 'leakhound help'"),
            };
        }
        catch (InputException e)
        {
            stderr.WriteLine("leakhound: " + e.Message);
            return 2;
        }
        catch (UsageException e)
        {
            stderr.WriteLine("leakhound: " + e.Message);
            return 2;
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.FirstOrDefault(x => x is InputException) is InputException input)
        {
            // Bad input met on a worker thread of a parallel loop.
            stderr.WriteLine("leakhound: " + input.Message);
            return 2;
        }
    }

    private static int Version(TextWriter stdout)
    {
        stdout.WriteLine("leakhound " + typeof(Program).Assembly.GetName().Version);
        return 0;
    }

    private const string Help = """
        leakhound: find what leaks in a Go service, and why.

        Hunt a leak in a live service (snapshots over time, stored, ranked by growth):
          leakhound hunt URL [--interval 15s] [--duration 10m | --snapshots N] [--store FILE]
                             [--resume STORE] [--pprof-path PATH] [--json] [--report FILE.html]
          leakhound analyze STORE|FOLDER|PROFILE…   the verdict and suspects of a stored hunt or of profiles
          leakhound check URL --duration D          a CI gate: exit 1 leak, 0 no leak, 3 inconclusive

        Reports on pprof profiles (profile.proto, gzipped or not, and the ?debug=1 text forms),
        with go tool pprof's numbers and option names:
          leakhound top    [options] PROFILE   flat report, as go tool pprof -top
          leakhound raw    [options] PROFILE   the whole profile as text, as go tool pprof -raw
          leakhound dot    [options] PROFILE   the call graph in Graphviz DOT, as go tool pprof -dot (-o FILE)
          leakhound svg    [options] PROFILE   the same graph drawn by LeakHound's own layout (no Graphviz),
                                               with pan and zoom (-o FILE.svg), as go tool pprof -svg
          leakhound traces|tree|tags|comments [options] PROFILE
          leakhound peek   [options] REGEX PROFILE   callers and callees of matching functions
          leakhound list   [options] REGEX PROFILE   annotated source of matching functions, as go tool pprof -list
            -source_path=DIR:DIR  -trim_path=PREFIX:PREFIX   pprof's source search; then the recorded path;
                                   then (where pprof fails) the go.mod module above the working directory
                                   (by module path, path suffix, subfolders), the module cache
                                   (MODULE@VERSION/…) and GOROOT/src (go env, else GOROOT/GOPATH);
                                   a file found nowhere is an Error line, as in pprof (exit 0)
          leakhound shell  [options] PROFILE…  pprof's interactive mode: top10, list Foo, focus=…, :, help, quit
          leakhound proto -o OUT.pb.gz [filters] PROFILE   the (filtered) profile as gzipped profile.proto, as -proto
          leakhound topproto -o OUT.pb.gz PROFILE          the flat report as a profile, as -topproto
          leakhound callgrind [-o FILE] PROFILE            the call graph for KCachegrind, as -callgrind
          leakhound export --format proto|topproto|callgrind -o OUT PROFILE   the same three
          leakhound merge -o OUT.pb.gz PROFILE…  merge profiles (files, globs, folders) into one
          leakhound flame  [options] PROFILE   flame graph: interactive HTML (default), SVG, folded stacks, speedscope
            --format html|svg|folded|speedscope      (or from -o's extension: .html .svg .folded .json)
            -o FILE                                  output file (default: standard output)
            -base OLD / -diff_base OLD               differential graph OLD → PROFILE (red grew, blue shrank)
            -nodefraction=F -nodecount=N             leave out small frames (html: 0.0001 and 200000; svg: 0.001)

        Every report reads several profiles (merged) and accepts -base OLD (changes since OLD),
        -diff_base OLD (the same, percentages of OLD) and -normalize (scale to OLD's total first).

        Goroutine dumps (debug=2, runtime.Stack, panic/SIGQUIT output, debug=1, proto), from a
        file or a service (http://host:port):
          leakhound goroutines [options] FILE|URL     groups by stack, ranks, points out stuck ones
            --similarity exact|pointers|args         how alike stacks must be (default pointers)
            --match RX / --exclude RX                keep / drop groups whose stack matches
            --groups N                               groups to print (default 30, 0 for all)
            --base OLD                               what appeared or grew since OLD
            --every 30s                              with a URL: fetch, wait, fetch again, compare
            --json, --html FILE

        Go heap dumps (runtime/debug.WriteHeapDump, plain or gzipped):
          leakhound heapdump DUMP print        every record as text, as it is read
          leakhound heapdump DUMP summary      runtime, MemStats, objects by size class, record counts,
                                               reachable bytes, roots by kind, top retainers
          leakhound heapdump DUMP suspects     objects retaining >= 10% of the heap each: anchor, path, site, contents
          leakhound heapdump DUMP sites        sampled live objects by allocation stack, with retained bytes
          leakhound heapdump DUMP finalizers   objects with finalizers; cycles through them (never freed)
          leakhound heapdump DUMP dominators [--top N]   the dominator tree, largest retainers first
          leakhound heapdump DUMP anchors|path ADDR      roots keeping ADDR's object alive / a shortest root path
          leakhound heapdump DUMP owners ADDR [--depth N|-1]   who points to it, as a tree (default depth 3)
          leakhound heapdump DUMP graph ADDR   what retains it, as DOT or (--format svg) drawn by LeakHound
          leakhound heapdump DUMP hexdump ADDR the object's bytes, pointer slots and their targets
          leakhound heapdump DUMP find --oid FILE | --size MIN[:MAX] | --site REGEX
          leakhound heapdump diff OLD NEW      growth by root, allocation site and size between two dumps
            --program BINARY                   name globals and finalizer functions from the ELF symbols
            --json                             JSON instead of text (every verb but print and graph)

        Report options (pprof's single-dash spellings and kebab-case both work):
          -sample_index=NAME|N   sample value to report (also -inuse_space, -inuse_objects,
                                 -alloc_space, -alloc_objects, -total_delay, -contentions, -mean_delay)
          -mean                  average value per sample (divided by the first value)
          -cum / -flat           sort by cumulative or flat value (default flat)
          -nodecount=N           show at most N nodes
          -nodefraction=F        drop nodes below F of the total (default 0.005)
          -edgefraction=F        drop edges below F of the total (default 0.001)
          -trim=false            keep every node
          -unit=U                output unit (minimum, auto, B, kB, MB, ns, ms, s, …)
          -divide_by=F           divide every value by F
          -functions -filefunctions -files -lines -addresses
                                 granularity (default -functions)
          -noinlines             attribute inlined functions to their caller
          -drop_negative         drop nodes with negative values
          -call_tree             dot, svg, callgrind: a node per call path (pprof's call tree)
          -symbolize=none        ignore the symbol and label lines of text profiles (as pprof does)
          -focus/-ignore/-hide/-show/-show_from/-prune_from=REGEX
                                 keep/drop samples or frames by function or file name
          -tagfocus/-tagignore=REGEX|key=REGEX|key=1kb:2mb, -tagshow/-taghide=REGEX
                                 keep/drop samples or labels by label
          -relative_percentages  percentages of what the filters keep
          -tagroot/-tagleaf=KEY,KEY  pseudo frames for the samples' label values at the root/leaf
          --json                 the same rows as JSON

        Exit codes: 0 ok, 2 bad usage or bad input (check: 1 leak, 3 inconclusive).

        """;
}
