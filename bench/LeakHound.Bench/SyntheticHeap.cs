using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Bench;

/// <summary>How the general part of a <see cref="SyntheticHeap"/> is linked.</summary>
public enum HeapShape
{
    /// <summary>
    /// Like a program's heap: every object has one owner (an allocation tree, children placed within
    /// a few thousand objects after their parent), plus cross pointers: to a few shared objects (one
    /// in a hundred, skewed towards some), back to the owner, or anywhere.
    /// </summary>
    Tree,
    /// <summary>
    /// A stress case: pointers to objects soon after and anywhere, with no owner structure, so
    /// every object is held by two or three others (Poisson) and most edges cross the search tree.
    /// </summary>
    Mesh,
}

/// <summary>
/// A deterministic heap-like object graph for the heap graph benchmark, in address order:
/// <list type="bullet">
/// <item>10% linked-list nodes in two long chains (next pointer + a payload pointer into the rest of the heap);</item>
/// <item>15% in four maps: a bucket array whose one object points at every bucket (the fan-out),
/// buckets of 8 key and 8 value pointers, and the key and value objects (half the values hold a
/// pointer into the rest);</item>
/// <item>the rest a general part linked by <see cref="HeapShape"/>: as a tree, 0–8 children (mean
/// 1.1) and 0–6 cross pointers (mean 1.75) per object; as a mesh, 0–14 pointers (mean 2.75), 70% to
/// one of the next 256 objects, a quarter anywhere, some into maps and chains. 3% of the general
/// objects are garbage no one points at; a fifth of these pointers are interior, 1% point just
/// outside their target (into a gap or the neighbour).</item>
/// </list>
/// Objects take Go size classes, packed with small gaps, with a jump of a gigabyte every 64 MB (heap
/// arenas far apart). Roots: the chain heads, the bucket arrays, the general part's first object and
/// the rest at random objects.
/// </summary>
public static class SyntheticHeap
{
    private static readonly int[] SizeClasses = [8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 160, 192, 256, 320, 512, 1024, 4096, 32768];
    private static readonly int[] SizeWeights = [10, 18, 12, 14, 10, 9, 6, 5, 3, 4, 2, 2, 2, 1, 1, 1, 1, 0];

    public static ObjectGraphInput Generate(int objects, int roots, ulong seed, HeapShape shape = HeapShape.Tree)
    {
        var rng = new SplitMix(seed);
        int chainEnd = objects / 10;
        int mapEnd = chainEnd + objects * 15 / 100;
        var (address, size) = Layout(objects, chainEnd, mapEnd, ref rng);
        var start = new int[objects + 1];
        // Capacity estimate; grown if needed.
        var values = new ulong[(long)objects * 5 / 2 + 1024];
        var fields = new int[values.Length];
        int p = 0;

        void Add(int target, int field, ref SplitMix r, bool interiorAllowed)
        {
            if (p == values.Length)
            {
                Array.Resize(ref values, values.Length + values.Length / 4);
                Array.Resize(ref fields, values.Length);
            }
            ulong v = address[target];
            if (interiorAllowed)
            {
                if (r.Next(5) == 0 && size[target] > 8) v += (ulong)r.Next((int)size[target]);
                if (r.Next(100) == 0) v = address[target] - 1 + (ulong)(r.Next(2) * (size[target] + 1)); // often into a gap
            }
            values[p] = v;
            fields[p++] = field;
        }

        // Chains: two lists, node i → node i+1 (field 0) and a payload in the general part (field 8).
        int half = chainEnd / 2;
        for (int i = 0; i < chainEnd; i++)
        {
            start[i] = p;
            int next = i + 1;
            if (next != half && next != chainEnd) Add(next, 0, ref rng, false);
            Add(GeneralTarget(mapEnd, objects, ref rng), 8, ref rng, true);
        }

        // Maps: [bucket array][buckets][keys][values] four times.
        int mapObjects = (mapEnd - chainEnd) / 4;
        int entries = (mapObjects - 1) * 8 / 17; // 1 + E/8 + 2E = mapObjects
        int buckets = entries / 8;
        for (int m = 0; m < 4; m++)
        {
            int first = chainEnd + m * mapObjects;
            int last = m == 3 ? mapEnd : first + mapObjects;
            int bucket0 = first + 1, key0 = bucket0 + buckets, value0 = key0 + entries;
            for (int i = first; i < last; i++)
            {
                start[i] = p;
                if (i == first)
                    for (int b = 0; b < buckets; b++) Add(bucket0 + b, 8 * b, ref rng, false);
                else if (i < key0)
                {
                    int b = i - bucket0;
                    for (int k = 0; k < 8; k++) Add(key0 + 8 * b + k, 8 + 16 * k, ref rng, false);
                    for (int k = 0; k < 8; k++) Add(value0 + 8 * b + k, 136 + 8 * k, ref rng, false);
                }
                else if (i >= value0 && i < value0 + entries && rng.Next(2) == 0)
                    Add(GeneralTarget(mapEnd, objects, ref rng), 0, ref rng, true); // a value holds an object
            }
        }

        // The general part.
        if (shape == HeapShape.Mesh)
        {
            for (int i = mapEnd; i < objects; i++)
            {
                start[i] = p;
                int count = rng.Next(20) switch { < 4 => 0, < 8 => 1, < 12 => 2, < 15 => 3, < 17 => 4, < 19 => 6, _ => 14 };
                for (int k = 0; k < count; k++)
                {
                    int kind = rng.Next(100);
                    int target = kind switch
                    {
                        < 70 => Math.Min(objects - 1, i + 1 + rng.Next(256)),
                        < 95 => GeneralTarget(mapEnd, objects, ref rng),
                        < 98 => chainEnd + rng.Next(mapEnd - chainEnd),
                        _ => rng.Next(chainEnd),
                    };
                    if (IsGarbage(target, mapEnd)) target = Math.Min(objects - 1, target + 30);
                    Add(target, 8 * k, ref rng, true);
                }
            }
        }
        else
        {
            var owner = new int[objects];
            int nextFree = mapEnd + 1, sharedCount = (objects - mapEnd) / 100;
            for (int i = mapEnd; i < objects; i++)
            {
                start[i] = p;
                int field = 0;
                // Garbage owns nothing (it may still point at live objects).
                // The first object starts the tree with many children, so the unowned part never
                // catches up with the owners (an object would own itself).
                int children = IsGarbage(i, mapEnd) ? 0 : i == mapEnd ? 64 : rng.Next(100) switch { < 58 => 0, < 78 => 1, < 88 => 2, < 93 => 3, _ => 8 };
                if (nextFree <= i) nextFree = i + 1;
                if (nextFree - i > 4096) children = 0; // children are allocated soon after their parent
                for (int k = 0; k < children; k++)
                {
                    while (nextFree < objects && IsGarbage(nextFree, mapEnd)) nextFree++;
                    if (nextFree >= objects) break;
                    owner[nextFree] = i;
                    Add(nextFree++, field, ref rng, false);
                    field += 8;
                }
                int cross = rng.Next(20) switch { < 5 => 0, < 11 => 1, < 15 => 2, < 18 => 3, _ => 6 };
                for (int k = 0; k < cross; k++)
                {
                    int kind = rng.Next(10);
                    int target;
                    if (kind < 4) target = mapEnd + 100 * rng.Next(rng.Next(sharedCount) + 1) + 50; // shared, skewed
                    else if (kind < 7 && owner[i] > 0) target = owner[i];                         // back to the owner
                    else target = GeneralTarget(mapEnd, objects, ref rng);
                    if (IsGarbage(target, mapEnd)) target = Math.Min(objects - 1, target + 30);
                    Add(Math.Min(objects - 1, target), field, ref rng, true);
                    field += 8;
                }
            }
        }
        start[objects] = p;

        var rootPointer = new ulong[roots];
        for (int r = 0; r < roots; r++)
        {
            int target = r switch
            {
                0 => 0,
                1 => half,
                < 6 => chainEnd + (r - 2) * mapObjects,
                6 => mapEnd,
                _ => GeneralTarget(mapEnd, objects, ref rng),
            };
            rootPointer[r] = address[target] + (r >= 6 && rng.Next(4) == 0 ? (ulong)rng.Next((int)size[target]) : 0);
        }
        Array.Resize(ref values, p);
        Array.Resize(ref fields, p);
        return new ObjectGraphInput { Address = address, Size = size, PointerStart = start, PointerValue = values, PointerFieldOffset = fields, RootPointer = rootPointer };
    }

    /// <summary>The last 30 of every 1,000 objects of the general part.</summary>
    private static bool IsGarbage(int obj, int mapEnd) => obj >= mapEnd && (obj - mapEnd) % 1000 >= 970;

    private static int GeneralTarget(int mapEnd, int objects, ref SplitMix rng)
    {
        int t = mapEnd + rng.Next(objects - mapEnd);
        return IsGarbage(t, mapEnd) ? Math.Min(objects - 1, t + 30) : t;
    }

    private static (ulong[] Address, long[] Size) Layout(int objects, int chainEnd, int mapEnd, ref SplitMix rng)
    {
        var address = new ulong[objects];
        var size = new long[objects];
        int weightTotal = SizeWeights.Sum();
        ulong at = 0xc000000000, arenaEnd = at + (64UL << 20);
        for (int i = 0; i < objects; i++)
        {
            long s;
            if (i < chainEnd) s = 32;
            else if (i < mapEnd) s = 48; // map objects: see the bucket arrays and buckets below
            else
            {
                int w = rng.Next(weightTotal), c = 0;
                while (w >= SizeWeights[c]) w -= SizeWeights[c++];
                s = SizeClasses[c];
            }
            size[i] = s;
        }
        // Bucket arrays and buckets have their real sizes.
        int mapObjects = (mapEnd - chainEnd) / 4;
        int entries = (mapObjects - 1) * 8 / 17, buckets = entries / 8;
        for (int m = 0; m < 4; m++)
        {
            int first = chainEnd + m * mapObjects;
            size[first] = 8L * Math.Max(1, buckets);
            for (int b = 0; b < buckets; b++) size[first + 1 + b] = 272;
        }
        for (int i = 0; i < objects; i++)
        {
            if (at + (ulong)size[i] > arenaEnd)
            {
                at = arenaEnd + (1UL << 30);
                arenaEnd = at + Math.Max(64UL << 20, (ulong)size[i]);
            }
            address[i] = at;
            at += (ulong)size[i] + (ulong)(rng.Next(8) == 0 ? 8 * (1 + rng.Next(3)) : 0);
        }
        return (address, size);
    }

    /// <summary>A small fast deterministic generator (SplitMix64).</summary>
    private struct SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int bound)
        {
            _state += 0x9E3779B97F4A7C15;
            ulong z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            z ^= z >> 31;
            return (int)((z >> 33) % (ulong)bound);
        }
    }
}
