using LeakHound.Analysis.HeapGraph;
using LeakHound.Core;

namespace LeakHound.Analysis.HeapDumps;

/// <summary>
/// Objects with registered finalizers, and those on a reference cycle. The collector marks what a
/// finalizer-bearing object references but not the object itself (mgcmark.go, markrootSpans); if
/// the object is reachable from what it references, it is always marked, never found unreachable,
/// and its finalizer never runs: the cycle can never be freed. Cycles are found with strongly
/// connected components (iterative Tarjan over the whole graph), then a shortest cycle through
/// the object is traced within its component.
/// </summary>
public static class FinalizerCycles
{
    /// <summary>
    /// One finalizer record: its object node (-1 when the pointer is in no object), the shortest
    /// cycle back to it (object nodes, starting with it; empty when there is none), and whether roots
    /// other than finalizers reach it (it is then also held; otherwise only its own cycle keeps it).
    /// </summary>
    public sealed record Entry(int Finalizer, int Node, int[] Cycle, bool HeldByOtherRoots);

    public static Entry[] Find(HeapDumpGraph g)
    {
        var graph = g.Graph;
        var component = StronglyConnected(graph);
        var heldElsewhere = ReachableWithoutFinalizers(g);
        var result = new Entry[g.Dump.Finalizers.Length];
        for (int f = 0; f < result.Length; f++)
        {
            int node = g.NodeAt(g.Dump.Finalizers[f].Object);
            int[] cycle = node < 0 ? [] : ShortestCycle(graph, component, node);
            result[f] = new Entry(f, node, cycle, node >= 0 && heldElsewhere[node]);
        }
        return result;
    }

    private static int[] ShortestCycle(ObjectGraph graph, int[] component, int node)
    {
        int comp = component[node];
        bool selfEdge = graph.Children(node).Contains(node);
        if (selfEdge) return [node];
        // Breadth-first within the component from the node's children back to the node.
        var parent = new Dictionary<int, int> { [node] = -1 };
        var queue = new Queue<int>();
        queue.Enqueue(node);
        while (queue.Count > 0)
        {
            int u = queue.Dequeue();
            foreach (int c in graph.Children(u))
            {
                if (component[c] != comp) continue;
                if (c == node)
                {
                    var cycle = new List<int>();
                    for (int v = u; v >= 0; v = parent[v]) cycle.Add(v);
                    cycle.Reverse();
                    return cycle.ToArray();
                }
                if (parent.ContainsKey(c)) continue;
                parent[c] = u;
                queue.Enqueue(c);
            }
        }
        return [];
    }

    /// <summary>Which nodes some root reaches when the finalizer roots (funcvals and finalizer objects' fields) are left out.</summary>
    private static bool[] ReachableWithoutFinalizers(HeapDumpGraph g)
    {
        var graph = g.Graph;
        var seen = new bool[graph.NodeCount];
        var queue = new GrowableArray<int>(1024);
        for (int r = 0; r < graph.RootCount; r++)
        {
            if (g.RootKind(r) is HeapRootKind.FinalizerField or HeapRootKind.FinalizerFunction) continue;
            seen[graph.RootNode(r)] = true;
            queue.Add(graph.RootNode(r));
        }
        for (int head = 0; head < queue.Count; head++)
            foreach (int c in graph.Children(queue[head]))
                if (!seen[c])
                {
                    seen[c] = true;
                    queue.Add(c);
                }
        return seen;
    }

    /// <summary>Tarjan's strongly connected components without recursion; returns each node's component id.</summary>
    private static int[] StronglyConnected(ObjectGraph graph)
    {
        int n = graph.NodeCount;
        var index = new int[n];
        var low = new int[n];
        var component = new int[n];
        Array.Fill(index, -1);
        var stack = new int[n];
        int top = 0;
        var onStack = new bool[n];
        var call = new Stack<(int Node, int Cursor)>();
        int next = 0, components = 0;
        for (int start = 0; start < n; start++)
        {
            if (index[start] >= 0) continue;
            call.Push((start, 0));
            index[start] = low[start] = next++;
            stack[top++] = start;
            onStack[start] = true;
            while (call.Count > 0)
            {
                var (v, cursor) = call.Pop();
                var children = graph.Children(v);
                if (cursor < children.Length)
                {
                    call.Push((v, cursor + 1));
                    int w = children[cursor];
                    if (index[w] < 0)
                    {
                        index[w] = low[w] = next++;
                        stack[top++] = w;
                        onStack[w] = true;
                        call.Push((w, 0));
                    }
                    else if (onStack[w] && index[w] < low[v]) low[v] = index[w];
                    continue;
                }
                if (low[v] == index[v])
                {
                    int w;
                    do
                    {
                        w = stack[--top];
                        onStack[w] = false;
                        component[w] = components;
                    } while (w != v);
                    components++;
                }
                if (call.Count > 0)
                {
                    int parent = call.Peek().Node;
                    if (low[v] < low[parent]) low[parent] = low[v];
                }
            }
        }
        return component;
    }
}
