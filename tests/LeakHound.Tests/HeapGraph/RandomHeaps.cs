using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Tests.HeapGraph;

/// <summary>
/// Seeded random heaps: objects of random sizes at random gaps (some far apart), pointers into random
/// objects at random interior offsets, some pointing into gaps or outside the heap, some repeated.
/// </summary>
public static class RandomHeaps
{
    public static ObjectGraphInput Input(Random rng, int objects, int roots, double density)
    {
        var address = new ulong[objects];
        var size = new long[objects];
        ulong at = 0xc000000000 + (ulong)rng.Next(0, 1 << 20);
        for (int i = 0; i < objects; i++)
        {
            address[i] = at;
            size[i] = rng.Next(1, 5) * 8 * rng.Next(1, 9);
            int gap = rng.Next(10) switch { 0 => rng.Next(1, 1 << 30), < 5 => 0, _ => rng.Next(1, 64) };
            at += (ulong)size[i] + (ulong)gap;
        }
        var start = new int[objects + 1];
        var values = new List<ulong>();
        var fields = new List<int>();
        for (int i = 0; i < objects; i++)
        {
            start[i] = values.Count;
            int count = Poisson(rng, density);
            for (int k = 0; k < count; k++)
            {
                values.Add(RandomPointer(rng, address, size));
                fields.Add(8 * k);
            }
        }
        start[objects] = values.Count;
        var rootPointers = new ulong[roots];
        for (int r = 0; r < roots; r++) rootPointers[r] = RandomPointer(rng, address, size);
        return new ObjectGraphInput
        {
            Address = address,
            Size = size,
            PointerStart = start,
            PointerValue = values.ToArray(),
            PointerFieldOffset = fields.ToArray(),
            RootPointer = rootPointers,
        };
    }

    public static ObjectGraph Graph(Random rng, int objects, int roots, double density) =>
        ObjectGraphBuilder.Build(Input(rng, objects, roots, density), "random heap");

    private static ulong RandomPointer(Random rng, ulong[] address, long[] size)
    {
        int n = address.Length;
        int kind = rng.Next(20);
        if (n == 0 || kind == 0) return (ulong)rng.NextInt64(); // anywhere (almost surely no object)
        int target = rng.Next(n);
        if (kind == 1) return address[target] + (ulong)size[target]; // one past the end
        if (kind == 2) return address[target] - 1;                    // just before (a gap, or the previous object's last byte)
        return address[target] + (ulong)rng.NextInt64(size[target]);
    }

    private static int Poisson(Random rng, double mean)
    {
        double l = Math.Exp(-mean), p = 1;
        int k = 0;
        do
        {
            k++;
            p *= rng.NextDouble();
        } while (p > l);
        return k - 1;
    }
}
