namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// A chain of references from a root to an object: <see cref="Nodes"/>[0] is the root node, the last
/// node is the object, and <see cref="FieldOffsets"/>[i] is the offset within <see cref="Nodes"/>[i]
/// of the pointer to <see cref="Nodes"/>[i + 1] (-1 from the root and when the dump has no offsets).
/// </summary>
public sealed record RetentionPath(int[] Nodes, int[] FieldOffsets)
{
    /// <summary>The number of references followed (0 when the object is itself a root node).</summary>
    public int Length => Nodes.Length - 1;
}
