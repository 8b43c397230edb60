namespace LeakHound.Formats.HeapDump;

/// <summary>
/// The pointer fields of a list of records (stack frames, or data and BSS segments) in
/// compressed-row form: record i's are [<see cref="PointerStart"/>[i], <see cref="PointerStart"/>[i+1])
/// of <see cref="PointerFieldOffset"/> (offset in the record's contents) and <see cref="PointerValue"/>
/// (the word there). A field's address is the record's address (a frame's sp, a segment's start) plus its offset.
/// </summary>
public sealed class HeapDumpPointerFields
{
    internal HeapDumpPointerFields(int[] pointerStart, int[] pointerFieldOffset, ulong[] pointerValue)
    {
        PointerStart = pointerStart;
        PointerFieldOffset = pointerFieldOffset;
        PointerValue = pointerValue;
    }

    /// <summary>Length: the number of records + 1.</summary>
    public int[] PointerStart { get; }

    public int[] PointerFieldOffset { get; }

    public ulong[] PointerValue { get; }

    public int Count => PointerFieldOffset.Length;

    public ReadOnlySpan<int> FieldOffsetsOf(int record) => PointerFieldOffset.AsSpan(PointerStart[record], PointerStart[record + 1] - PointerStart[record]);

    public ReadOnlySpan<ulong> PointersOf(int record) => PointerValue.AsSpan(PointerStart[record], PointerStart[record + 1] - PointerStart[record]);
}
