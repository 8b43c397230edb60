using System.Globalization;
using System.Text;
using LeakHound.Formats.HeapDump;

namespace LeakHound.Reports.HeapDump;

/// <summary>
/// Writes every record of a heap dump as text while it is read (nothing is kept): one line per
/// record starting with its kind, its address when it has one and "@offset" (where the record starts
/// in the uncompressed dump), then indented lines for pointer fields ("+off -> 0x…"), memprof frames
/// and memstats fields. Ends with the number of records of each kind.
/// </summary>
public sealed class HeapDumpPrinter : HeapDumpVisitor
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly TextWriter _w;
    private readonly char[] _line = new char[128];
    private ulong _goroutineId;

    public HeapDumpPrinter(TextWriter writer)
    {
        _w = writer;
    }

    /// <summary>Prints the dump at <paramref name="path"/> to <paramref name="writer"/>.</summary>
    public static void Print(string path, TextWriter writer, LeakHound.Core.Limits limits)
    {
        var printer = new HeapDumpPrinter(writer);
        writer.WriteLine("go1.7 heap dump");
        var result = HeapDumpReader.Visit(path, printer, limits);
        printer.WriteCounts(result.RecordCounts);
    }

    private void Line(string s) => _w.WriteLine(s);

    private static string Hex(ulong v) => "0x" + v.ToString("x", Inv);

    private string Str(int id) => Quote(Strings[id]);

    public override void OnParams(long offset, HeapDumpParams p) =>
        Line(string.Create(Inv,
            $"params @{offset}: {(p.BigEndian ? "big" : "little")}-endian, pointer size {p.PointerSize}, heap {Hex(p.HeapStart)}-{Hex(p.HeapEnd)}, arch {Quote(p.Arch)}, version {Quote(p.Version)}, cpus {p.CpuCount}"));

    public override void OnType(long offset, in HeapDumpType type) =>
        Line(string.Create(Inv, $"type {Hex(type.Address)} @{offset}: {Str(type.Name)}, size {type.Size}, {(type.Indirect ? "interfaces hold a pointer to it" : "interfaces hold it directly")}"));

    public override void OnItab(long offset, in HeapDumpItab itab) =>
        Line(string.Create(Inv, $"itab {Hex(itab.Address)} @{offset}: type {Hex(itab.Type)}"));

    public override void OnObject(long offset, ulong address, long contentOffset, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets)
    {
        Line(string.Create(Inv, $"object {Hex(address)} @{offset}: size {contents.Length}, contents @{contentOffset}, pointers {pointerOffsets.Length}"));
        WriteFields(contents, pointerOffsets, 0);
    }

    public override void OnGoroutine(long offset, int row, in HeapDumpGoroutine g)
    {
        _goroutineId = g.Id;
        Line(string.Create(Inv,
            $"goroutine {g.Id} @{offset}: g {Hex(g.Address)}, status {GoroutineStatus.Name(g.Status)} ({g.Status}), wait reason {Str(g.WaitReason)}, waiting since {g.WaitSince}, sp {Hex(g.StackPointer)}, created at pc {Hex(g.CreatorPc)}, system {Bool(g.IsSystem)}, background {Bool(g.IsBackground)}, ctxt {Hex(g.Context)}, m {Hex(g.Thread)}, defer {Hex(g.TopDefer)}, panic {Hex(g.TopPanic)}"));
    }

    public override void OnStackFrame(long offset, in HeapDumpFrame f, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets)
    {
        Line(string.Create(Inv,
            $"stack frame @{offset}: goroutine {_goroutineId} depth {f.Depth} {Strings[f.Function]}, sp {Hex(f.StackPointer)}, child sp {Hex(f.ChildStackPointer)}, size {f.Size}, contents @{f.ContentOffset}, entry {Hex(f.EntryPc)}, pc {Hex(f.Pc)}, continuation pc {Hex(f.ContinuationPc)}, pointers {pointerOffsets.Length}"));
        WriteFields(contents, pointerOffsets, f.StackPointer);
    }

    public override void OnOsThread(long offset, in HeapDumpThread t) =>
        Line(string.Create(Inv, $"os thread {Hex(t.Address)} @{offset}: id {t.Id}, os id {t.OsId}"));

    public override void OnSegment(long offset, in HeapDumpSegment s, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets)
    {
        string kind = s.Kind == HeapDumpSegmentKind.Data ? "data segment" : "bss segment";
        Line(string.Create(Inv, $"{kind} {Hex(s.Address)} @{offset}: size {s.Size}, contents @{s.ContentOffset}, pointers {pointerOffsets.Length}"));
        WriteFields(contents, pointerOffsets, s.Address);
    }

    public override void OnFinalizer(long offset, in HeapDumpFinalizer f, bool queued) =>
        Line(string.Create(Inv,
            $"{(queued ? "queued finalizer" : "finalizer")} @{offset}: object {Hex(f.Object)}, funcval {Hex(f.FuncVal)}, entry pc {Hex(f.EntryPc)}, argument type {Hex(f.ArgType)}, object type {Hex(f.ObjectType)}"));

    public override void OnOtherRoot(long offset, in HeapDumpOtherRoot root) =>
        Line(string.Create(Inv, $"other root @{offset}: {Str(root.Description)} -> {Hex(root.Pointer)}"));

    public override void OnDefer(long offset, in HeapDumpDefer d) =>
        Line(string.Create(Inv,
            $"defer {Hex(d.Address)} @{offset}: goroutine {Hex(d.Goroutine)}, sp {Hex(d.StackPointer)}, pc {Hex(d.Pc)}, funcval {Hex(d.FuncVal)}, entry pc {Hex(d.EntryPc)}, next {Hex(d.Link)}"));

    public override void OnPanic(long offset, in HeapDumpPanic p) =>
        Line(string.Create(Inv,
            $"panic {Hex(p.Address)} @{offset}: goroutine {Hex(p.Goroutine)}, value type {Hex(p.ArgType)}, value data {Hex(p.ArgData)}, defer {Hex(p.Defer)}, next {Hex(p.Link)}"));

    public override void OnMemStats(long offset, HeapDumpMemStats stats)
    {
        Line(string.Create(Inv, $"memstats @{offset}:"));
        for (int i = 0; i < stats.Values.Count; i++)
            Line(string.Create(Inv, $"  {HeapDumpMemStats.FieldNames[i]} {stats.Values[i]}"));
        var sb = new StringBuilder("  PauseNs");
        foreach (ulong p in stats.PauseNs) sb.Append(' ').Append(p.ToString(Inv));
        Line(sb.ToString());
        Line(string.Create(Inv, $"  NumGC {stats.NumGC}"));
    }

    public override void OnMemProf(long offset, in HeapDumpBucket b, ReadOnlySpan<HeapDumpProfileFrame> frames)
    {
        Line(string.Create(Inv, $"memprof bucket {Hex(b.Id)} @{offset}: size {b.Size}, allocs {b.Allocs}, frees {b.Frees}, frames {frames.Length}"));
        foreach (var f in frames) Line(string.Create(Inv, $"  {Strings[f.Function]} {Strings[f.File]}:{f.Line}"));
    }

    public override void OnAllocSample(long offset, in HeapDumpAllocSample s) =>
        Line(string.Create(Inv, $"alloc sample @{offset}: object {Hex(s.Object)}, bucket {Hex(s.Bucket)}"));

    public override void OnEof(long offset, long length) =>
        Line(string.Create(Inv, $"eof @{offset}: {length} bytes uncompressed"));

    /// <summary>"+off -> 0x…", with the field's own address for frames and segments (base ≠ 0).</summary>
    private void WriteFields(ReadOnlySpan<byte> contents, ReadOnlySpan<int> offsets, ulong baseAddress)
    {
        var p = Params;
        Span<char> line = _line;
        foreach (int off in offsets)
        {
            int n = 0;
            Append(line, ref n, "  +");
            off.TryFormat(line[n..], out int k, default, Inv);
            n += k;
            if (baseAddress != 0)
            {
                Append(line, ref n, " (0x");
                (baseAddress + (ulong)off).TryFormat(line[n..], out k, "x", Inv);
                n += k;
                Append(line, ref n, ")");
            }
            Append(line, ref n, " -> 0x");
            p.ReadPointer(contents, off).TryFormat(line[n..], out k, "x", Inv);
            n += k;
            _w.WriteLine(line[..n]);
        }
    }

    private static void Append(Span<char> line, ref int n, string s)
    {
        s.CopyTo(line[n..]);
        n += s.Length;
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private void WriteCounts(IReadOnlyList<long> counts)
    {
        var sb = new StringBuilder("records:");
        for (int k = 1; k < counts.Count; k++)
            sb.Append(Inv, $" {HeapDumpRecordKinds.Name((HeapDumpRecordKind)k)} {counts[k]},");
        sb.Append(Inv, $" eof {counts[0]}");
        Line(sb.ToString());
    }

    /// <summary>A string from the dump in double quotes, with quotes, backslashes and control characters escaped.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < ' ' || c == '\x7f') sb.Append(Inv, $"\\x{(int)c:x2}");
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
