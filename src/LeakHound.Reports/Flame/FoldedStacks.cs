using System.Globalization;
using System.Text;
using LeakHound.Analysis.Flame;

namespace LeakHound.Reports.Flame;

/// <summary>
/// Brendan Gregg's folded stacks: one line per distinct stack, outermost frame first, frames
/// separated by ';', then a space and the summed value (in the sample unit). Lines come in tree
/// order: sorted frame by frame (ordinal), a stack before the stacks it is a prefix of. In a
/// differential tree the value is new minus base, and unchanged stacks are left out.
/// </summary>
public static class FoldedStacks
{
    public static void Write(FlameTree tree, TextWriter w)
    {
        var names = new string[tree.Frames.Count];
        var path = new StringBuilder(256);
        var pathLength = new List<int>(64) { 0 };
        // Depth-first, children in order: the stack holds (node, depth) still to visit.
        var stack = new Stack<(int Node, int Depth)>();
        PushChildren(FlameTree.Root, 1);
        while (stack.Count > 0)
        {
            var (n, depth) = stack.Pop();
            path.Length = pathLength[depth - 1];
            if (depth > 1) path.Append(';');
            int f = tree.Frame[n];
            path.Append(names[f] ??= Clean(tree.Frames.Name(f)));
            if (pathLength.Count == depth) pathLength.Add(0);
            pathLength[depth] = path.Length;

            long v = tree.Self[n] - tree.BaseSelfOf(n);
            if (v != 0)
            {
                path.Append(' ').Append(v.ToString(CultureInfo.InvariantCulture)).Append('\n');
                w.Write(path);
            }
            PushChildren(n, depth + 1);
        }

        void PushChildren(int n, int depth)
        {
            for (int c = tree.FirstChild[n] + tree.ChildCount[n] - 1; c >= tree.FirstChild[n]; c--) stack.Push((c, depth));
        }
    }

    /// <summary>A frame name that cannot break the line format: no ';' (the separator) and no line breaks.</summary>
    public static string Clean(string name)
    {
        if (name.AsSpan().IndexOfAny(";\r\n") < 0) return name;
        return name.Replace(';', ':').Replace('\r', ' ').Replace('\n', ' ');
    }
}
