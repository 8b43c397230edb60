using System.Globalization;
using LeakHound.Analysis.HeapGraph;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;
using HeapDumpModel = LeakHound.Formats.HeapDump.HeapDump;

namespace LeakHound.Analysis.HeapDumps;

/// <summary>
/// A heap dump's object graph, dominator tree and roots (docs/heapdump-analysis.md): objects are the
/// dump's object records except Go 1.22+ span tail slots; roots are every stack frame and data/BSS
/// pointer field, goroutine context pointers, registered finalizers' funcvals and the pointer fields
/// of objects with finalizers (not those objects themselves, as the collector does), queued
/// finalizers' objects and funcvals, and other-root records. Only roots whose pointer lands in an
/// object are kept. What each root is lives in three flat arrays by root index.
/// </summary>
public sealed class HeapDumpGraph
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // Graph object index → dump object index; null when they are the same (no span tails).
    private readonly int[]? _dumpObject;
    private readonly HeapRootKind[] _rootKind;
    private readonly int[] _rootRecord;
    private readonly int[] _rootOffset;
    private RetentionQueries? _queries;

    private HeapDumpGraph(HeapDumpModel dump, ObjectGraph graph, DominatorTree dominators, int[]? dumpObject,
        HeapRootKind[] rootKind, int[] rootRecord, int[] rootOffset, ProgramSymbols? symbols)
    {
        Dump = dump;
        Graph = graph;
        Dominators = dominators;
        _dumpObject = dumpObject;
        _rootKind = rootKind;
        _rootRecord = rootRecord;
        _rootOffset = rootOffset;
        Symbols = symbols;
    }

    public HeapDumpModel Dump { get; }
    public ObjectGraph Graph { get; }
    public DominatorTree Dominators { get; }
    public ProgramSymbols? Symbols { get; }

    /// <summary>Root, path and retaining-subgraph queries (one instance, not for concurrent use).</summary>
    public RetentionQueries Queries => _queries ??= new RetentionQueries(Dominators);

    public HeapRootKind RootKind(int root) => _rootKind[root];

    /// <summary>The record the root comes from: a frame, segment, goroutine, finalizer, queued finalizer or other-root index.</summary>
    public int RootRecord(int root) => _rootRecord[root];

    /// <summary>Builds the graph and its dominator tree.</summary>
    public static HeapDumpGraph Build(HeapDumpModel dump, ProgramSymbols? symbols = null)
    {
        var o = dump.Objects;
        int[]? dumpObject = null;
        ObjectGraphInput input;
        if (o.SpanTailCount == 0)
        {
            input = new ObjectGraphInput
            {
                Address = o.Address, Size = o.Size, PointerStart = o.PointerStart, PointerValue = o.PointerValue,
                PointerFieldOffset = o.PointerFieldOffset, RootPointer = [],
            };
        }
        else
        {
            (input, dumpObject) = WithoutSpanTails(o);
        }
        var roots = new RootList(dump);
        roots.Collect();
        input = new ObjectGraphInput
        {
            Address = input.Address, Size = input.Size, PointerStart = input.PointerStart, PointerValue = input.PointerValue,
            PointerFieldOffset = input.PointerFieldOffset, RootPointer = roots.Pointer.ToArray(),
        };
        var graph = ObjectGraphBuilder.Build(input, dump.Source);
        var dominators = DominatorTree.Compute(graph);
        return new HeapDumpGraph(dump, graph, dominators, dumpObject, roots.Kind.ToArray(), roots.Record.ToArray(), roots.Offset.ToArray(), symbols);
    }

    private static (ObjectGraphInput, int[]) WithoutSpanTails(HeapObjects o)
    {
        int n = o.Count - o.SpanTailCount;
        var map = new int[n];
        var address = new ulong[n];
        var size = new long[n];
        var start = new int[n + 1];
        long pointers = 0;
        for (int i = 0, k = 0; i < o.Count; i++)
        {
            if (o.SpanTail[i]) continue;
            map[k] = i;
            address[k] = o.Address[i];
            size[k] = o.Size[i];
            pointers += o.PointerStart[i + 1] - o.PointerStart[i];
            k++;
        }
        var values = new ulong[pointers];
        var offsets = new int[pointers];
        int w = 0;
        for (int k = 0; k < n; k++)
        {
            int i = map[k];
            start[k] = w;
            o.PointersOf(i).CopyTo(values.AsSpan(w));
            o.FieldOffsetsOf(i).CopyTo(offsets.AsSpan(w));
            w += o.PointerStart[i + 1] - o.PointerStart[i];
        }
        start[n] = w;
        var input = new ObjectGraphInput
        {
            Address = address, Size = size, PointerStart = start, PointerValue = values, PointerFieldOffset = offsets, RootPointer = [],
        };
        return (input, map);
    }

    /// <summary>The dump's object index of an object node.</summary>
    public int DumpObject(int node)
    {
        int obj = Graph.ObjectIndex(node);
        return obj < 0 || _dumpObject is null ? obj : _dumpObject[obj];
    }

    /// <summary>The object node containing <paramref name="address"/>, or -1 (span tail slots are no objects).</summary>
    public int NodeAt(ulong address) => Graph.FindObject(address);

    /// <summary>The object node containing <paramref name="address"/>; bad input when there is none.</summary>
    public int RequireNodeAt(ulong address) =>
        NodeAt(address) is >= 0 and var node ? node
            : throw new InputException(Dump.Source, $"0x{address.ToString("x", Inv)} is not inside any object of the heap dump");

    /// <summary>The address of the word the root holds (a stack slot, a global, a finalizer object's field); 0 for other kinds.</summary>
    public ulong RootSlotAddress(int root)
    {
        int r = _rootRecord[root];
        return _rootKind[root] switch
        {
            HeapRootKind.Frame => Dump.Frames[r].StackPointer + (ulong)_rootOffset[root],
            HeapRootKind.Global => Dump.Segments[r].Address + (ulong)_rootOffset[root],
            HeapRootKind.FinalizerField => Dump.Finalizers[r].Object + (ulong)_rootOffset[root],
            _ => 0,
        };
    }

    /// <summary>
    /// A one-line description: "global main.cache" (with symbols) or "global 0x922660 (data)",
    /// "goroutine 7 main.worker (frame 2) sp+16", "finalizer of 0xc000…", "other root: DESC".
    /// </summary>
    public string DescribeRoot(int root)
    {
        int r = _rootRecord[root];
        switch (_rootKind[root])
        {
            case HeapRootKind.Frame:
            {
                var f = Dump.Frames[r];
                ulong gid = Dump.Goroutines[f.Goroutine].Id;
                return string.Create(Inv, $"goroutine {gid} {Dump.Str(f.Function)} (frame {f.Depth}) sp+{_rootOffset[root]}");
            }
            case HeapRootKind.Global:
            {
                ulong at = RootSlotAddress(root);
                string segment = Dump.Segments[r].Kind == HeapDumpSegmentKind.Data ? "data" : "bss";
                return Symbols?.Name(at) is { } name
                    ? $"global {name}"
                    : string.Create(Inv, $"global 0x{at:x} ({segment}+{_rootOffset[root]})");
            }
            case HeapRootKind.GoroutineContext:
                return string.Create(Inv, $"goroutine {Dump.Goroutines[r].Id} context");
            case HeapRootKind.FinalizerFunction:
                return string.Create(Inv, $"finalizer function of 0x{Dump.Finalizers[r].Object:x}{Function(Dump.Finalizers[r].EntryPc)}");
            case HeapRootKind.FinalizerField:
                return string.Create(Inv, $"finalizer: field +{_rootOffset[root]} of 0x{Dump.Finalizers[r].Object:x}{Function(Dump.Finalizers[r].EntryPc)}");
            case HeapRootKind.QueuedFinalizer:
                return string.Create(Inv, $"queued finalizer of 0x{Dump.QueuedFinalizers[r].Object:x}{Function(Dump.QueuedFinalizers[r].EntryPc)}");
            case HeapRootKind.QueuedFinalizerFunction:
                return string.Create(Inv, $"queued finalizer function of 0x{Dump.QueuedFinalizers[r].Object:x}{Function(Dump.QueuedFinalizers[r].EntryPc)}");
            default:
                return "other root: " + Dump.Str(Dump.OtherRoots[r].Description);
        }
    }

    private string Function(ulong pc) => Symbols?.Name(pc) is { } name ? $" ({name.Split('+')[0]})" : "";

    /// <summary>
    /// Describes any node: a root, the super-root, or an object ("0xc000123000 (4096 bytes)").
    /// </summary>
    public string DescribeNode(int node)
    {
        if (node == ObjectGraph.SuperRoot) return "(all roots)";
        if (Graph.IsRoot(node)) return DescribeRoot(Graph.RootIndex(node));
        return string.Create(Inv, $"0x{Graph.Address(node):x} ({Graph.Size(node)} bytes)");
    }

    /// <summary>Collects the roots in a fixed order (kinds in enum order, records in dump order).</summary>
    private sealed class RootList(HeapDumpModel dump)
    {
        public GrowableArray<ulong> Pointer = new(1024);
        public GrowableArray<HeapRootKind> Kind = new(1024);
        public GrowableArray<int> Record = new(1024);
        public GrowableArray<int> Offset = new(1024);

        public void Collect()
        {
            AddFields(HeapRootKind.Frame, dump.FramePointers, dump.Frames.Length);
            AddFields(HeapRootKind.Global, dump.SegmentPointers, dump.Segments.Length);
            for (int g = 0; g < dump.Goroutines.Length; g++) Add(HeapRootKind.GoroutineContext, g, 0, dump.Goroutines[g].Context);
            var o = dump.Objects;
            for (int f = 0; f < dump.Finalizers.Length; f++)
            {
                var fin = dump.Finalizers[f];
                Add(HeapRootKind.FinalizerFunction, f, 0, fin.FuncVal);
                int obj = dump.ObjectAt(fin.Object);
                if (obj < 0 || o.SpanTail[obj]) continue;
                // The object's fields, at offsets from the finalizer's pointer (usually the object's start).
                long shift = (long)(o.Address[obj] - fin.Object);
                var offsets = o.FieldOffsetsOf(obj);
                var values = o.PointersOf(obj);
                for (int k = 0; k < values.Length; k++)
                    if (offsets[k] + shift >= 0) Add(HeapRootKind.FinalizerField, f, (int)(offsets[k] + shift), values[k]);
            }
            for (int q = 0; q < dump.QueuedFinalizers.Length; q++)
            {
                Add(HeapRootKind.QueuedFinalizer, q, 0, dump.QueuedFinalizers[q].Object);
                Add(HeapRootKind.QueuedFinalizerFunction, q, 0, dump.QueuedFinalizers[q].FuncVal);
            }
            for (int r = 0; r < dump.OtherRoots.Length; r++) Add(HeapRootKind.Other, r, 0, dump.OtherRoots[r].Pointer);
        }

        private void AddFields(HeapRootKind kind, HeapDumpPointerFields fields, int records)
        {
            for (int r = 0; r < records; r++)
            {
                var offsets = fields.FieldOffsetsOf(r);
                var values = fields.PointersOf(r);
                for (int k = 0; k < values.Length; k++) Add(kind, r, offsets[k], values[k]);
            }
        }

        private void Add(HeapRootKind kind, int record, int offset, ulong pointer)
        {
            // Only pointers into a live object make a root: stack maps and conservative frames list many words that are not.
            int obj = dump.ObjectAt(pointer);
            if (obj < 0 || dump.Objects.SpanTail[obj]) return;
            Pointer.Add(pointer);
            Kind.Add(kind);
            Record.Add(record);
            Offset.Add(offset);
        }
    }
}
