namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// What a heap dump reader hands to <see cref="ObjectGraphBuilder"/>: N objects and R roots as flat
/// arrays, with the pointer values still raw (not yet resolved to objects).
/// <para>
/// Object i occupies [<see cref="Address"/>[i], <see cref="Address"/>[i] + <see cref="Size"/>[i]);
/// addresses are strictly ascending and the ranges do not overlap. Its outgoing pointer values are
/// <see cref="PointerValue"/>[<see cref="PointerStart"/>[i] .. <see cref="PointerStart"/>[i+1]], and
/// <see cref="PointerFieldOffset"/> (when given) holds, for each of them, the offset within object i
/// of the word that holds it. Root r holds the one pointer value <see cref="RootPointer"/>[r]; what
/// the root is (a global, a stack slot, a finalizer) is the caller's to keep, by root index.
/// </para>
/// The built graph keeps <see cref="Address"/> and <see cref="Size"/> (not copies); the pointer
/// arrays are only read while building.
/// </summary>
public sealed class ObjectGraphInput
{
    public required ulong[] Address { get; init; }
    public required long[] Size { get; init; }

    /// <summary>N + 1 offsets into <see cref="PointerValue"/>, starting at 0, non-decreasing.</summary>
    public required int[] PointerStart { get; init; }

    public required ulong[] PointerValue { get; init; }

    /// <summary>Parallel to <see cref="PointerValue"/>; null when the reader has no field offsets.</summary>
    public int[]? PointerFieldOffset { get; init; }

    public required ulong[] RootPointer { get; init; }

    public int ObjectCount => Address.Length;
    public int RootCount => RootPointer.Length;
}
